/// curves.csv: per epoch, each configuration's mean and standard deviation across seeds of
/// the training and (when present) validation loss, then, for classification, of the
/// accuracies. The sweep's loss and accuracy plots read it.
public enum Curves {
    public struct Table {
        public var csv: String
        /// The 1-based column of each configuration's train loss mean, in `configurations` order.
        public var columns: [Int]
        /// The same for train accuracy; empty without accuracy.
        public var accuracyColumns: [Int]
        public var allValues: [Double]
    }

    /// configurations: the rows of `Summary.ranked`, in the order their columns are written.
    public static func table(_ results: [RunResult], configurations: [Summary.ConfigurationRow], hasValidation: Bool) -> Table {
        let byConfiguration = Dictionary(grouping: results, by: \.run.configurationIndex)
        let maxEpoch = results.map(\.epochs).max() ?? 0
        let hasAccuracy = results.contains { $0.hasAccuracy }
        var header = ["epoch"], columns = [Int](), accuracyColumns = [Int]()
        for (k, _) in configurations.enumerated() {
            columns.append(header.count + 1)
            header += ["c\(k + 1)_train_mean", "c\(k + 1)_train_std"]
            if hasValidation { header += ["c\(k + 1)_val_mean", "c\(k + 1)_val_std"] }
            if hasAccuracy {
                accuracyColumns.append(header.count + 1)
                header += ["c\(k + 1)_train_accuracy_mean", "c\(k + 1)_train_accuracy_std"]
                if hasValidation { header += ["c\(k + 1)_val_accuracy_mean", "c\(k + 1)_val_accuracy_std"] }
            }
        }
        var out = CSV.line(header), all = [Double]()
        func stats(_ values: [Double], loss: Bool) -> [String] {
            let finite = values.filter(\.isFinite)
            guard !finite.isEmpty else { return ["", ""] }
            let mean = finite.reduce(0, +) / Double(finite.count)
            let std = finite.count > 1 ? (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)).squareRoot() : 0
            if loss { all.append(mean) }
            return [CSV.number(mean), CSV.number(std)]
        }
        for epoch in 0...maxEpoch {
            var fields = [String(epoch)]
            for c in configurations {
                let rows = (byConfiguration[c.index] ?? []).compactMap { $0.rows.count > epoch ? $0.rows[epoch].record : nil }
                fields += stats(rows.map(\.trainLoss), loss: true)
                if hasValidation { fields += stats(rows.compactMap(\.validationLoss), loss: true) }
                if hasAccuracy {
                    fields += stats(rows.compactMap(\.trainAccuracy), loss: false)
                    if hasValidation { fields += stats(rows.compactMap(\.validationAccuracy), loss: false) }
                }
            }
            out += CSV.line(fields)
        }
        return Table(csv: out, columns: columns, accuracyColumns: accuracyColumns, allValues: all)
    }
}
