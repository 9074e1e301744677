import BackpropCore

/// curves.csv: per epoch, for each configuration (columns named by its id), how many
/// completed seeds reached the epoch (`<id>:n`), then the mean and sample standard
/// deviation across them of the training and (when present) validation loss, then, for
/// classification, of the accuracies (`<id>:train_mean`, `<id>:train_std`, `<id>:val_mean`,
/// ...). Only completed runs count (and runs a scheduler stopped, up to their rung), as in summary.md (`Summary.ConfigurationRow`): a
/// diverged seed's values are not averaged in. A std of one value is NaN; a configuration
/// no seed of which reached an epoch has empty fields there. The sweep's loss and accuracy
/// plots read it.
public enum Curves {
    public struct Table {
        public var csv: String
        /// The 1-based column of each configuration's train loss mean, in `configurations` order.
        public var columns: [Int]
        /// The 1-based column of each configuration's n.
        public var countColumns: [Int]
        /// The same for train accuracy (its n is the same as the loss's); empty without accuracy.
        public var accuracyColumns: [Int]
        /// Every loss mean written: what the plot's scale is chosen from.
        public var allValues: [Double]
    }

    /// configurations: the rows of `Summary.ranked`, in the order their columns are written.
    public static func table(_ results: [RunResult], configurations: [Summary.ConfigurationRow], hasValidation: Bool) -> Table {
        // A run a scheduler stopped counts up to its rung, where its curve ends.
        let completed = results.filter { $0.status == .completed || $0.status == .stopped }
        let byConfiguration = Dictionary(grouping: completed, by: \.run.configurationIndex)
        let maxEpoch = completed.map(\.epochs).max() ?? 0
        let hasAccuracy = results.contains { $0.hasAccuracy }
        var header = ["epoch"], columns = [Int](), countColumns = [Int](), accuracyColumns = [Int]()
        for c in configurations {
            let id = c.configurationID
            header.append("\(id):n")
            countColumns.append(header.count)
            columns.append(header.count + 1)
            header += ["\(id):train_mean", "\(id):train_std"]
            if hasValidation { header += ["\(id):val_mean", "\(id):val_std"] }
            if hasAccuracy {
                accuracyColumns.append(header.count + 1)
                header += ["\(id):train_accuracy_mean", "\(id):train_accuracy_std"]
                if hasValidation { header += ["\(id):val_accuracy_mean", "\(id):val_accuracy_std"] }
            }
        }
        var out = CSV.line(header), all = [Double]()
        // Written field by field into `out`, with one scratch array: a run of 100,000 epochs
        // is 100,000 lines, and arrays and strings made per field cost more than the numbers.
        // Each configuration's runs as their metrics rows (a RunResult is a large value to copy).
        let runs = configurations.map { (byConfiguration[$0.index] ?? []).map(\.rows) }
        out.reserveCapacity(out.utf8.count + (maxEpoch + 1) * (8 + configurations.count * (hasAccuracy ? 100 : 50) * (hasValidation ? 2 : 1)))
        var values = [Double]()
        func stats(_ runs: [[MetricsRow]], _ epoch: Int, _ value: (EpochRecord) -> Double?, loss: Bool) {
            values.removeAll(keepingCapacity: true)
            for rows in runs where rows.count > epoch {
                if let v = value(rows[epoch].record) { values.append(v) }
            }
            out += ","
            guard let mean = Statistics.mean(values) else { out += ","; return }
            if loss { all.append(mean) }
            CSV.append(mean, to: &out)
            out += ","
            CSV.append(Statistics.standardDeviation(values) ?? .nan, to: &out)
        }
        for epoch in 0...maxEpoch {
            out += String(epoch)
            for runs in runs {
                out += "," + String(runs.reduce(0) { $0 + ($1.count > epoch ? 1 : 0) })
                stats(runs, epoch, { $0.trainLoss }, loss: true)
                if hasValidation { stats(runs, epoch, { $0.validationLoss }, loss: true) }
                if hasAccuracy {
                    stats(runs, epoch, { $0.trainAccuracy }, loss: false)
                    if hasValidation { stats(runs, epoch, { $0.validationAccuracy }, loss: false) }
                }
            }
            out += "\n"
        }
        return Table(csv: out, columns: columns, countColumns: countColumns, accuracyColumns: accuracyColumns, allValues: all)
    }
}
