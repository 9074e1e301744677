/// curves.csv: per epoch, each configuration's mean and standard deviation across seeds,
/// of the training and (when present) validation loss. The sweep plot reads it.
public enum Curves {
    public struct Table {
        public var csv: String
        /// The 1-based column of each configuration's train_mean, in `configurations` order.
        public var columns: [Int]
        public var allValues: [Double]
    }

    /// configurations: the rows of `Summary.ranked`, in the order their columns are written.
    public static func table(_ results: [RunResult], configurations: [Summary.ConfigurationRow], hasValidation: Bool) -> Table {
        let byConfiguration = Dictionary(grouping: results, by: \.run.configurationIndex)
        let maxEpoch = results.map(\.epochs).max() ?? 0
        var header = ["epoch"], columns = [Int]()
        for (k, _) in configurations.enumerated() {
            columns.append(header.count + 1)
            header += ["c\(k + 1)_train_mean", "c\(k + 1)_train_std"]
            if hasValidation { header += ["c\(k + 1)_val_mean", "c\(k + 1)_val_std"] }
        }
        var out = CSV.line(header), all = [Double]()
        func stats(_ values: [Double]) -> (String, String) {
            let finite = values.filter(\.isFinite)
            guard !finite.isEmpty else { return ("", "") }
            let mean = finite.reduce(0, +) / Double(finite.count)
            let std = finite.count > 1 ? (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)).squareRoot() : 0
            all.append(mean)
            return (CSV.number(mean), CSV.number(std))
        }
        for epoch in 0...maxEpoch {
            var fields = [String(epoch)]
            for c in configurations {
                let rows = (byConfiguration[c.index] ?? []).compactMap { $0.rows.count > epoch ? $0.rows[epoch].record : nil }
                let t = stats(rows.map(\.trainLoss))
                fields += [t.0, t.1]
                if hasValidation { let v = stats(rows.compactMap(\.validationLoss)); fields += [v.0, v.1] }
            }
            out += CSV.line(fields)
        }
        return Table(csv: out, columns: columns, allValues: all)
    }
}
