import BackpropCore

/// A run's data in the precision it trains in, built once per sweep and shared read-only by
/// every run that uses it (copy-on-write storage, never written to, so never copied).
public enum LoadedData: Sendable {
    case float64(DataSplits<Double>)
    case float32(DataSplits<Float>)

    public var features: Int {
        switch self {
        case let .float64(d): d.training.features
        case let .float32(d): d.training.features
        }
    }

    public var trainingCount: Int {
        switch self {
        case let .float64(d): d.training.count
        case let .float32(d): d.training.count
        }
    }

    public var validationCount: Int {
        switch self {
        case let .float64(d): d.validation?.count ?? 0
        case let .float32(d): d.validation?.count ?? 0
        }
    }

    /// The training set in double precision, for `trace` and `gradcheck`, which work in it.
    public var trainingAsDouble: Dataset<Double> {
        switch self {
        case let .float64(d): d.training
        case let .float32(d): d.training.converted()
        }
    }

    /// Bytes of inputs and targets held, over every set.
    public var bytes: Int {
        func size<T>(_ d: DataSplits<T>) -> Int {
            [d.training, d.validation, d.test].compactMap { $0 }.reduce(0) {
                $0 + ($1.inputs.elements.count + $1.targets.elements.count) * MemoryLayout<T>.stride
            }
        }
        switch self {
        case let .float64(d): return size(d)
        case let .float32(d): return size(d)
        }
    }
}

extension PlannedRun {
    /// How this run trains, from its spec and seed.
    public var trainingConfiguration: TrainingConfiguration {
        TrainingConfiguration(epochs: spec.training.epochs, batchSize: spec.training.batchSize, loss: spec.loss,
                              optimizer: spec.optimizer, seed: seed, earlyStopping: spec.training.earlyStopping,
                              diagnostics: spec.training.diagnostics)
    }
}
