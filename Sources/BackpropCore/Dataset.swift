/// Samples as rows: inputs (count x features) and targets (count x outputs).
///
/// For classification, `labels` holds each row's class index and `targets` its one-hot
/// row (or, for two classes with one output, the 0/1 label). The storage is copy-on-write,
/// so a dataset handed to many runs is shared, never copied, as long as no run mutates it.
public struct Dataset<T: Scalar>: Sendable {
    public var inputs: Matrix<T>
    public var targets: Matrix<T>
    /// The class index of each row, for classification; nil for regression.
    public var labels: [Int]?
    /// The classes' names, for classification (index i names class i).
    public var classNames: [String]?

    public init(inputs: Matrix<T>, targets: Matrix<T>, labels: [Int]? = nil, classNames: [String]? = nil) {
        precondition(inputs.rows == targets.rows, "\(inputs.rows) input rows and \(targets.rows) target rows")
        precondition(labels == nil || labels!.count == inputs.rows)
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
        self.classNames = classNames
    }

    public var count: Int { inputs.rows }
    public var features: Int { inputs.columns }
    public var outputs: Int { targets.columns }
    public var isClassification: Bool { labels != nil }

    /// The rows at the given indices, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(inputs: inputs.selectingRows(indices), targets: targets.selectingRows(indices),
                labels: labels.map { l in indices.map { l[$0] } }, classNames: classNames)
    }

    /// The same data in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Dataset<U> {
        Dataset<U>(inputs: inputs.converted(), targets: targets.converted(), labels: labels, classNames: classNames)
    }

    /// Holds out a seeded random `fraction` of the rows (rounded, at least one row of each
    /// side when both can have one). Returns (training, validation); validation is nil
    /// when the fraction is 0.
    public func split(validationFraction fraction: Double, seed: UInt64) -> (training: Dataset, validation: Dataset?) {
        guard fraction > 0, count > 1 else { return (self, nil) }
        var order = Array(0..<count)
        var rng = Xoshiro256StarStar(seed: seed, stream: .split)
        rng.shuffle(&order)
        let held = min(max(Int((fraction * Double(count)).rounded()), 1), count - 1)
        return (subset(Array(order[held...]).sorted()), subset(Array(order[..<held]).sorted()))
    }
}
