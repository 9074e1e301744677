import BackpropCore

/// The sets one experiment uses: training, and when there are any, validation (held out of
/// the training file) and test (the dataset's own test set).
public struct DataSplits<T: Scalar>: Sendable {
    public var training: Dataset<T>
    public var validation: Dataset<T>?
    public var test: Dataset<T>?
    /// The input columns' names (a CSV file's header), when the data has names.
    public var featureNames: [String]?
    /// The normalisation fitted on the training set (`normalize`); nil when none was asked for.
    public var normalization: Normalization.Fitted?

    public init(training: Dataset<T>, validation: Dataset<T>? = nil, test: Dataset<T>? = nil) {
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// The same sets in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> DataSplits<U> {
        var out = DataSplits<U>(training: training.converted(), validation: validation?.converted(), test: test?.converted())
        out.featureNames = featureNames
        out.normalization = normalization
        return out
    }

    /// Every set normalised with statistics fitted on the training set only.
    public mutating func normalize(_ normalization: Normalization) {
        guard normalization != .none else { return }
        let fitted = normalization.fit(training.inputs)
        self.normalization = fitted
        fitted.apply(to: &training.inputs)
        if validation != nil { fitted.apply(to: &validation!.inputs) }
        if test != nil { fitted.apply(to: &test!.inputs) }
    }
}
