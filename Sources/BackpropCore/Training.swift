/// How a run trains: everything the loop needs besides the network and the data.
public struct TrainingConfiguration: Equatable, Sendable {
    public var epochs: Int
    /// Rows per mini-batch; nil (or a size of at least the dataset) means full batch.
    public var batchSize: Int?
    public var loss: Loss
    public var optimizer: OptimizerConfiguration
    /// Seeds the shuffling stream (see `RandomStream`); initial weights have their own.
    public var seed: UInt64

    public init(epochs: Int, batchSize: Int? = nil, loss: Loss, optimizer: OptimizerConfiguration, seed: UInt64) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.loss = loss
        self.optimizer = optimizer
        self.seed = seed
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
}

public enum TrainingOutcome: Equatable, Sendable {
    case completed
    /// A loss or a parameter became NaN or infinite after this epoch.
    case diverged(epoch: Int)
    /// The caller asked the loop to stop after this epoch.
    case stopped(epoch: Int)
}

public struct TrainingResult<T: Scalar>: Sendable {
    public var network: Network<T>
    public var records: [EpochRecord]
    public var outcome: TrainingOutcome
}

/// The training loop: forward, loss, backward, update, for every batch of every epoch.
///
/// Full batch (no batch size, or one of at least the dataset) uses the rows in their given
/// order, with no shuffling, exactly as the worked examples do. Mini-batches are drawn from
/// a fresh seeded shuffle every epoch; the last batch of an epoch may be smaller.
/// The loop prints nothing and returns one record per epoch, epoch 0 first.
public struct Trainer<T: Scalar> {
    public var configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// - Parameter onEpoch: called with each record as it is made; return false to stop.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func train(_ initial: Network<T>, on data: Dataset<T>, validation: Dataset<T>? = nil,
                      onEpoch: ((EpochRecord) -> Bool)? = nil) -> TrainingResult<T> {
        precondition(data.count > 0 && data.features == initial.inputs && data.outputs == initial.outputs,
                     "dataset shape does not match the network")
        let n = data.count
        let batch = min(configuration.batchSize ?? n, n)
        let fullBatch = batch == n
        let evaluationRows = min(max(n, validation?.count ?? 0), 1024)
        let workspace = Workspace<T>(network: initial, capacity: max(batch, evaluationRows))
        var network = initial
        var optimizer = configuration.optimizer.make(parameterCount: network.parameters.count, scalar: T.self)
        let learningRate = T(configuration.optimizer.learningRate)
        let loss = configuration.loss
        var rng = Xoshiro256StarStar(seed: configuration.seed, stream: .shuffling)
        var order = Array(0..<n)
        var records = [EpochRecord]()
        records.reserveCapacity(configuration.epochs + 1)

        func record(_ epoch: Int) -> EpochRecord {
            let train = network.evaluate(data, loss: loss, workspace: workspace)
            let val = validation.map { network.evaluate($0, loss: loss, workspace: workspace) }
            return EpochRecord(epoch: epoch, trainLoss: train.loss, validationLoss: val?.loss,
                               trainAccuracy: train.accuracy, validationAccuracy: val?.accuracy,
                               learningRate: configuration.optimizer.learningRate)
        }
        func finished(_ r: EpochRecord) -> TrainingOutcome? {
            records.append(r)
            if !r.trainLoss.isFinite || !(r.validationLoss?.isFinite ?? true) || !network.parameters.allSatisfy(\.isFinite) {
                return .diverged(epoch: r.epoch)
            }
            if let onEpoch, !onEpoch(r) { return .stopped(epoch: r.epoch) }
            return nil
        }

        if let outcome = finished(record(0)) { return TrainingResult(network: network, records: records, outcome: outcome) }
        var outcome = TrainingOutcome.completed
        let inputs = network.inputs, outputs = network.outputs, count = network.parameters.count
        data.inputs.elements.withUnsafeBufferPointer { allX in
            data.targets.elements.withUnsafeBufferPointer { allT in
                for epoch in stride(from: 1, through: configuration.epochs, by: 1) {
                    if !fullBatch { rng.shuffle(&order) }
                    var start = 0
                    while start < n {
                        let rows = min(batch, n - start)
                        let x: UnsafePointer<T>, t: UnsafePointer<T>
                        if fullBatch {
                            x = allX.baseAddress!; t = allT.baseAddress!
                        } else {
                            for r in 0..<rows {
                                let source = order[start + r]
                                (workspace.batchInputs + r * inputs).update(from: allX.baseAddress! + source * inputs, count: inputs)
                                (workspace.batchTargets + r * outputs).update(from: allT.baseAddress! + source * outputs, count: outputs)
                            }
                            x = UnsafePointer(workspace.batchInputs); t = UnsafePointer(workspace.batchTargets)
                        }
                        network.forward(x, rows: rows, workspace: workspace)
                        network.backward(x, target: t, rows: rows, loss: loss, workspace: workspace)
                        network.parameters.withUnsafeMutableBufferPointer { p in
                            optimizer.step(parameters: p.baseAddress!, gradients: workspace.gradients, count: count, learningRate: learningRate)
                        }
                        start += rows
                    }
                    if let stop = finished(record(epoch)) { outcome = stop; break }
                }
            }
        }
        return TrainingResult(network: network, records: records, outcome: outcome)
    }
}
