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

    /// The rows at the given indices, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(inputs: inputs.selectingRows(indices), targets: targets.selectingRows(indices),
                labels: labels.map { l in indices.map { l[$0] } }, classNames: classNames)
    }

    /// The same data in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Dataset<U> {
        Dataset<U>(inputs: inputs.converted(), targets: targets.converted(), labels: labels, classNames: classNames)
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
