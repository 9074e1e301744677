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

    public init(epochs: Int, batchSize: Int? = nil, loss: Loss, optimizer: OptimizerConfiguration, seed: UInt64,
                earlyStopping: EarlyStopping? = nil, diagnostics: Bool = false) {
        self.diagnostics = diagnostics
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

/// The training loop: forward, loss, backward, update, for every batch of every epoch.
///
/// Full batch (no batch size, or one of at least the dataset) uses the rows in their given
/// order, with no shuffling, exactly as the worked examples do. Mini-batches are drawn from
/// a fresh seeded shuffle every epoch; the last batch of an epoch may be smaller.
///
/// The training metrics of an epoch are measured on the forward passes training makes
/// anyway, so they cost nothing extra:
/// - full batch: the loss and accuracy after the epoch's update (the next forward pass,
///   one more at the end);
/// - mini-batch: the mean over the epoch's batches, each measured just before its update
///   (as Keras and scikit-learn's `loss_curve_` report it).
/// Epoch 0 evaluates the whole training set before any update. Validation metrics are a
/// full evaluation after every epoch. The loop prints nothing and returns one record per
/// epoch, epoch 0 first, the epoch that diverged included. Every update goes through
/// `Network.trainingStep`, which `trace` uses too.
public struct Trainer<T: Scalar> {
    public var configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// - Parameter onEpoch: called with each epoch as it is made, before the divergence check
    ///   (a diverging epoch is handed over, then training ends); return false to stop.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func train(_ initial: Network<T>, on data: Dataset<T>, validation: Dataset<T>? = nil,
                      onEpoch: ((Epoch) -> Bool)? = nil) -> TrainingResult<T> {
        precondition(data.count > 0 && data.features == initial.inputs && data.outputs == initial.outputs,
                     "dataset shape does not match the network")
        precondition(configuration.earlyStopping == nil || validation != nil, "early stopping needs a validation set")
        let n = data.count, epochs = configuration.epochs
        let batch = min(configuration.batchSize ?? n, n)
        let fullBatch = batch == n
        let workspace = Workspace<T>(network: initial, capacity: batch)
        // Evaluation has a workspace of its own, so that it never overwrites the training pass.
        let evaluationRows = Workspace<T>.evaluationRows(for: initial, rows: max(fullBatch ? 0 : n, validation?.count ?? 0))
        let evaluation = evaluationRows > 0 ? Workspace<T>(network: initial, capacity: evaluationRows) : workspace
        var network = initial
        let optimizer = configuration.optimizer.make(parameterCount: network.parameters.count, scalar: T.self)
        let loss = configuration.loss
        let decay = T(configuration.optimizer.weightDecay)
        var rng = Xoshiro256StarStar(seed: configuration.seed, stream: .shuffling)
        var order = Array(0..<n)
        var records = [EpochRecord]()
        records.reserveCapacity(epochs + 1)
        var stopping = configuration.earlyStopping.map { EarlyStopping.Tracker<T>(rule: $0) }
        let tracker = configuration.diagnostics ? DiagnosticsTracker<T>(network: initial) : nil
        var diagnostics = [Diagnostics]()
        let inputs = network.inputs, outputs = network.outputs
        let labels = data.labels

        /// Records the epoch and hands it over; returns the outcome when training ends here.
        func finish(epoch: Int, train: Evaluation, learningRate: Double) -> TrainingOutcome? {
            let val = validation.map { network.evaluate($0, loss: loss, workspace: evaluation) }
            let r = EpochRecord(epoch: epoch, trainLoss: train.loss, validationLoss: val?.loss,
                                trainAccuracy: train.accuracy, validationAccuracy: val?.accuracy, learningRate: learningRate)
            var d: Diagnostics? = nil
            if let tracker {
                d = tracker.record(network, trained: epoch > 0)
                diagnostics.append(d!)
                tracker.startEpoch()
            }
            records.append(r)
            let proceed = onEpoch?(Epoch(record: r, diagnostics: d)) ?? true
            if !r.trainLoss.isFinite || !(r.validationLoss?.isFinite ?? true) || !network.parametersAreFinite {
                return .diverged(epoch: epoch)
            }
            if !proceed { return .stopped(epoch: epoch) }
            if stopping?.observe(epoch: epoch, validationLoss: r.validationLoss!, parameters: network.parameters) == true {
                network.parameters = stopping!.bestParameters
                return .earlyStopped(epoch: epoch, bestEpoch: stopping!.bestEpoch)
            }
            return nil
        }

        var outcome = TrainingOutcome.completed
        data.inputs.elements.withUnsafeBufferPointer { allX in
            data.targets.elements.withUnsafeBufferPointer { allT in
                let x0 = allX.baseAddress!, t0 = allT.baseAddress!
                var tally = BatchTally(loss: loss, rows: n)
                let firstRate = configuration.optimizer.learningRate(epoch: 1, of: epochs)
                if fullBatch {
                    network.forward(x0, rows: n, workspace: workspace)
                    tally.add(network, workspace, target: t0, rows: n) { labels?[$0] }
                } else {
                    tally.add(network.evaluate(data, loss: loss, workspace: evaluation))
                }
                if let stop = finish(epoch: 0, train: tally.result(labelled: data.labels != nil), learningRate: firstRate) {
                    outcome = stop
                    return
                }
                for epoch in stride(from: 1, through: epochs, by: 1) {
                    let rate = configuration.optimizer.learningRate(epoch: epoch, of: epochs)
                    tally = BatchTally(loss: loss, rows: n)
                    func update(_ x: UnsafePointer<T>, _ t: UnsafePointer<T>, rows: Int) {
                        network.trainingStep(x, target: t, rows: rows, loss: loss, weightDecay: decay, optimizer: optimizer,
                                             learningRate: rate, workspace: workspace, tracker: tracker)
                    }
                    if fullBatch {
                        // The workspace holds the forward pass of the current parameters.
                        update(x0, t0, rows: n)
                        network.forward(x0, rows: n, workspace: workspace)
                        tracker?.observeForward(workspace, rows: n)
                        tally.add(network, workspace, target: t0, rows: n) { labels?[$0] }
                    } else {
                        rng.shuffle(&order)
                        var start = 0
                        while start < n {
                            let rows = min(batch, n - start)
                            for r in 0..<rows {
                                let source = order[start + r]
                                (workspace.batchInputs + r * inputs).update(from: x0 + source * inputs, count: inputs)
                                (workspace.batchTargets + r * outputs).update(from: t0 + source * outputs, count: outputs)
                            }
                            let x = UnsafePointer(workspace.batchInputs), t = UnsafePointer(workspace.batchTargets)
                            network.forward(x, rows: rows, workspace: workspace)
                            tracker?.observeForward(workspace, rows: rows)
                            tally.add(network, workspace, target: t, rows: rows) { [start] r in labels?[order[start + r]] }
                            update(x, t, rows: rows)
                            start += rows
                        }
                    }
                    if let stop = finish(epoch: epoch, train: tally.result(labelled: data.labels != nil), learningRate: rate) {
                        outcome = stop
                        return
                    }
                }
            }
        }
        return TrainingResult(network: network, records: records, outcome: outcome, diagnostics: tracker == nil ? nil : diagnostics)
    }
}

/// The loss and correct predictions of an epoch's forward passes, added up batch by batch,
/// weighted as if the whole epoch were one batch (see `Evaluation`).
struct BatchTally {
    let loss: Loss
    let rows: Int
    var total = 0.0
    var correct = 0
    var fromEvaluation: Evaluation? = nil

    init(loss: Loss, rows: Int) {
        self.loss = loss
        self.rows = rows
    }

    /// The batch just forwarded in `workspace`; `label(r)` is row r's class, nil without labels.
    @inline(__always)
    mutating func add<T: Scalar>(_ network: Network<T>, _ workspace: Workspace<T>, target: UnsafePointer<T>, rows batch: Int,
                                 label: (Int) -> Int?) {
        let value = Double(network.loss(loss, target: target, rows: batch, workspace: workspace))
        total += loss == .sse ? value : value * Double(batch) / Double(rows)
        let out = workspace.a[network.layers.count - 1], k = network.outputs
        for r in 0..<batch {
            guard let l = label(r) else { return }
            if Network<T>.predictedClass(out + r * k, columns: k) == l { correct += 1 }
        }
    }

    mutating func add(_ evaluation: Evaluation) { fromEvaluation = evaluation }

    func result(labelled: Bool) -> Evaluation {
        fromEvaluation ?? Evaluation(loss: total, accuracy: labelled ? Double(correct) / Double(rows) : nil)
    }
}
