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

    /// Holds out a seeded random `fraction` of the rows; see `splitIndices`. Returns
    /// (training, validation), each in the original row order; validation is nil when the
    /// fraction is 0.
    public func split(validationFraction fraction: Double, seed: UInt64) -> (training: Dataset, validation: Dataset?) {
        let (training, validation) = Self.splitIndices(count: count, labels: labels, fraction: fraction, seed: seed)
        guard !validation.isEmpty else { return (self, nil) }
        return (subset(training), subset(validation))
    }

    /// Which rows are held out for validation: round(fraction · count) of them, at least one
    /// on each side when there are two rows or more, drawn by a seeded shuffle (the `split`
    /// stream of `seed`).
    ///
    /// With labels the split is stratified: each class gives round(fraction · its count)
    /// rows, by largest remainder so that the total is still round(fraction · count), and
    /// every class keeps at least one row in training, so that no class is seen only in
    /// validation. Both index lists are sorted.
    public static func splitIndices(count: Int, labels: [Int]?, fraction: Double, seed: UInt64) -> (training: [Int], validation: [Int]) {
        guard fraction > 0, count > 1 else { return (Array(0..<count), []) }
        var order = Array(0..<count)
        var rng = Xoshiro256StarStar(seed: seed, stream: .split)
        rng.shuffle(&order)
        let held = min(max(Int((fraction * Double(count)).rounded()), 1), count - 1)
        var validation: [Int]
        if let labels {
            var byClass = [Int: [Int]]()
            for i in order { byClass[labels[i], default: []].append(i) }
            let classes = byClass.keys.sorted()
            let exact = classes.map { fraction * Double(byClass[$0]!.count) }
            let cap = classes.map { byClass[$0]!.count - 1 }
            var quota = classes.indices.map { min(Int(exact[$0].rounded(.down)), cap[$0]) }
            // Largest remainders first (ties to the lower class), within each class's cap.
            let byRemainder = classes.indices.sorted { a, b in
                let ra = exact[a] - Double(quota[a]), rb = exact[b] - Double(quota[b])
                return ra != rb ? ra > rb : a < b
            }
            var missing = held - quota.reduce(0, +)
            for c in byRemainder where missing > 0 && quota[c] < cap[c] { quota[c] += 1; missing -= 1 }
            validation = classes.indices.flatMap { byClass[classes[$0]]!.prefix(quota[$0]) }
        } else {
            validation = Array(order[..<held])
        }
        validation.sort()
        var isHeld = [Bool](repeating: false, count: count)
        for i in validation { isHeld[i] = true }
        return ((0..<count).filter { !isHeld[$0] }, validation)
    }
}

extension Dataset {
    /// A classification dataset: targets one-hot over `classes` columns, or a single 0/1
    /// column when `outputs` is 1 (two classes, a sigmoid output).
    public init(inputs: Matrix<T>, labels: [Int], classes: Int, outputs: Int, classNames: [String]? = nil) {
        precondition(outputs == 1 ? classes <= 2 : outputs == classes)
        var targets = Matrix<T>(rows: labels.count, columns: outputs)
        targets.elements.withUnsafeMutableBufferPointer { t in
            for (r, label) in labels.enumerated() {
                if outputs == 1 { t[r] = T(label) } else { t[r * outputs + label] = 1 }
            }
        }
        self.init(inputs: inputs, targets: targets, labels: labels, classNames: classNames ?? (0..<classes).map(String.init))
    }

    public init(inputs: [[Double]], labels: [Int], classes: Int, outputs: Int, classNames: [String]? = nil) {
        self.init(inputs: Matrix(inputs.map { $0.map { T($0) } }), labels: labels, classes: classes, outputs: outputs, classNames: classNames)
    }
}

/// The sets one experiment uses: training, and when there are any, validation (held out of
/// the training file) and test (the dataset's own test set).
public struct DataSplits<T: Scalar>: Sendable {
    public var training: Dataset<T>
    public var validation: Dataset<T>?
    public var test: Dataset<T>?

    public init(training: Dataset<T>, validation: Dataset<T>? = nil, test: Dataset<T>? = nil) {
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// The same sets in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> DataSplits<U> {
        DataSplits<U>(training: training.converted(), validation: validation?.converted(), test: test?.converted())
    }

    /// Every set normalised with statistics fitted on the training set only.
    public mutating func normalize(_ normalization: Normalization) {
        guard normalization != .none else { return }
        let fitted = normalization.fit(training.inputs)
        fitted.apply(to: &training.inputs)
        if validation != nil { fitted.apply(to: &validation!.inputs) }
        if test != nil { fitted.apply(to: &test!.inputs) }
    }
}
