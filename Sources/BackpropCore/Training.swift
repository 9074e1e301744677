/// How a run trains: everything the loop needs besides the network and the data.
public struct TrainingConfiguration: Equatable, Sendable {
    public var epochs: Int
    /// Rows per mini-batch; nil (or a size of at least the dataset) means full batch.
    public var batchSize: Int?
    public var loss: Loss
    public var optimizer: OptimizerConfiguration
    /// Seeds the shuffling stream (see `RandomStream`); initial weights have their own.
    public var seed: UInt64
    /// Needs a validation set; nil trains every epoch.
    public var earlyStopping: EarlyStopping?
    /// Record gradient norms, weight norms and dead ReLU units every epoch (see `Diagnostics`).
    public var diagnostics: Bool
    /// Clip each step's gradient to this 2-norm (PyTorch's clip_grad_norm_: `GradientClipping`); nil: never.
    public var clipGradNorm: Double?
    /// float32 only: flush subnormal numbers to zero (`SubnormalFlushing`), as backprop always
    /// does; false computes with them, as PyTorch does by default (make bench compares the two).
    public var flushesSubnormals = true

    public init(epochs: Int, batchSize: Int? = nil, loss: Loss, optimizer: OptimizerConfiguration, seed: UInt64,
                earlyStopping: EarlyStopping? = nil, diagnostics: Bool = false, clipGradNorm: Double? = nil) {
        self.diagnostics = diagnostics
        self.clipGradNorm = clipGradNorm
        self.epochs = epochs
        self.batchSize = batchSize
        self.loss = loss
        self.optimizer = optimizer
        self.seed = seed
        self.earlyStopping = earlyStopping
    }
}

/// The metrics after one epoch. Epoch 0 is measured before any update.
public struct EpochRecord: Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationLoss: Double?
    public var trainAccuracy: Double?
    public var validationAccuracy: Double?
    /// The learning rate the epoch's updates used (for epoch 0, the first one's).
    public var learningRate: Double

    public init(epoch: Int, trainLoss: Double, validationLoss: Double?, trainAccuracy: Double?, validationAccuracy: Double?,
                learningRate: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
    }
}

/// One epoch as the loop hands it to its caller, before anything else is decided about it
/// (so the epoch a run diverges at is handed over too): its metrics and, with diagnostics
/// on, its diagnostics.
public struct Epoch: Sendable {
    public var record: EpochRecord
    public var diagnostics: Diagnostics?
}

public enum TrainingOutcome: Equatable, Sendable {
    case completed
    /// A loss or a parameter became NaN or infinite after this epoch.
    case diverged(epoch: Int)
    /// The caller asked the loop to stop after this epoch.
    case stopped(epoch: Int)
    /// Early stopping ended training after `epoch`; the network is the one of `bestEpoch`.
    case earlyStopped(epoch: Int, bestEpoch: Int)
}

public struct TrainingResult<T: Scalar>: Sendable {
    public var network: Network<T>
    /// One per epoch, epoch 0 first. A plain value (no references), cheap to record every epoch.
    public var records: [EpochRecord]
    public var outcome: TrainingOutcome
    /// With diagnostics on, one per record.
    public var diagnostics: [Diagnostics]? = nil
}

/// Trains a network to the end: `TrainingLoop` epoch by epoch, until it says training ended
/// or the caller asks it to stop.
public struct Trainer<T: Scalar> {
    public var configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// - Parameter onEpoch: called with each epoch as it is made, before the divergence check
    ///   (a diverging epoch is handed over, then training ends); return false to stop.
    public func train(_ initial: Network<T>, on data: Dataset<T>, validation: Dataset<T>? = nil,
                      onEpoch: ((Epoch) -> Bool)? = nil) -> TrainingResult<T> {
        let loop = TrainingLoop(configuration: configuration, network: initial, data: data, validation: validation)
        var records = [EpochRecord]()
        records.reserveCapacity(configuration.epochs + 1)
        var diagnostics = configuration.diagnostics ? [Diagnostics]() : nil
        let outcome = loop.run { epoch in
            records.append(epoch.record)
            if let d = epoch.diagnostics { diagnostics?.append(d) }
            return onEpoch?(epoch) ?? true
        } ?? .completed
        return TrainingResult(network: loop.network, records: records, outcome: outcome, diagnostics: diagnostics)
    }
}
