/// The training loop, one epoch at a time: forward, loss, backward, update, for every batch.
///
/// Full batch (no batch size, or one of at least the dataset) uses the rows in their given
/// order, with no shuffling, exactly as the worked examples do. Mini-batches are drawn from
/// a seeded shuffle every epoch (each epoch shuffles the previous epoch's order); the last
/// batch of an epoch may be smaller.
///
/// The training metrics of an epoch are measured on the forward passes training makes
/// anyway, so they cost nothing extra:
/// - full batch: the loss and accuracy after the epoch's update (the next forward pass,
///   one more at the end);
/// - mini-batch: the mean over the epoch's batches, each measured just before its update
///   (as Keras and scikit-learn's `loss_curve_` report it);
/// - with batch normalisation or dropout, full batch too: the training pass that computes
///   the update (batch statistics, dropout's masks) is the one measured, before the update,
///   as a PyTorch loop in `model.train()` mode sums its losses. Validation is in evaluation
///   mode (running statistics, no dropout), as is epoch 0's evaluation of the training set.
/// Epoch 0 evaluates the whole training set before any update. Validation metrics are a
/// full evaluation after every epoch. Every update goes through `Network.trainingStep`,
/// which `trace` uses too.
///
/// Between two epochs, `state` is everything the next epoch depends on: a loop made from a
/// state (`init(configuration:network:resuming:...)`) continues exactly, bit for bit, as
/// the loop that saved it would have. Checkpoints and successive halving pause runs so.
public final class TrainingLoop<T: Scalar> {
    public let configuration: TrainingConfiguration
    let data: Dataset<T>
    let validation: Dataset<T>?
    let batch: Int
    let workspace: Workspace<T>
    /// Evaluation has a workspace of its own, so that it never overwrites the training pass.
    let evaluation: Workspace<T>
    let optimizer: AnyOptimizer<T>
    let tracker: DiagnosticsTracker<T>?
    /// What the epochs change (the network, the shuffling, early stopping, the epoch).
    var variables: Variables
    /// The current network; once training ends by early stopping, the best epoch's.
    public var network: Network<T> { variables.network }
    /// The last epoch done; -1 before epoch 0 is evaluated.
    public var epoch: Int { variables.epoch }
    /// Set when training has ended.
    public var outcome: TrainingOutcome? { variables.result }
    /// Full batch on a network of a handful of numbers, without diagnostics: the fused step
    /// (`TinyNetwork`), the same arithmetic without the general path's overhead.
    var tiny: TinyNetwork<T>?

    /// Whether epochs run through the fused step of tiny networks (`TinyNetwork`). Set it to
    /// false to train the general way (the tests compare the two, bit for bit); setting it to
    /// true changes nothing.
    public var usesTinyStep: Bool {
        get { tiny != nil }
        set { if !newValue { tiny = nil } }
    }

    public init(configuration: TrainingConfiguration, network initial: Network<T>, data: Dataset<T>, validation: Dataset<T>? = nil) {
        precondition(data.count > 0 && data.features == initial.inputs && data.outputs == initial.outputs,
                     "dataset shape does not match the network")
        precondition(configuration.earlyStopping == nil || validation != nil, "early stopping needs a validation set")
        self.configuration = configuration
        self.data = data
        self.validation = validation
        let n = data.count
        batch = min(configuration.batchSize ?? n, n)
        workspace = Workspace<T>(network: initial, capacity: batch, batches: batch < n)
        let evaluationRows = Workspace<T>.evaluationRows(for: initial, rows: max(batch == n ? 0 : n, validation?.count ?? 0))
        evaluation = evaluationRows > 0 ? Workspace<T>(network: initial, capacity: evaluationRows, backward: false, batches: false) : workspace
        optimizer = configuration.optimizer.make(parameterCount: initial.parameters.count, scalar: T.self)
        variables = Variables(network: initial, rng: Xoshiro256StarStar(seed: configuration.seed, stream: .shuffling),
                              order: Array(0..<n), stopping: configuration.earlyStopping.map { EarlyStopping.Tracker<T>(rule: $0) },
                              dropout: Xoshiro256StarStar(seed: configuration.seed, stream: .dropout))
        tracker = configuration.diagnostics ? DiagnosticsTracker<T>(network: initial) : nil
        // The fused step of tiny networks has neither the L1 penalty nor clipping, neither
        // batch normalisation nor dropout.
        let penalties = configuration.optimizer.l1 != 0 || configuration.clipGradNorm != nil || initial.trainsDifferently
        tiny = batch == n && tracker == nil && !penalties && TinyNetwork.qualifies(initial, rows: n)
            ? TinyNetwork(network: initial, rows: n, weightDecay: T(configuration.optimizer.weightDecay), workspace: workspace) : nil
    }

    /// A loop that continues from `state` (saved by a loop of the same configuration, network
    /// shape and data), as if it had never stopped. `network` gives the shape; its
    /// parameters are replaced by the state's.
    public convenience init(configuration: TrainingConfiguration, network shape: Network<T>, resuming state: TrainingState<T>,
                            data: Dataset<T>, validation: Dataset<T>? = nil) {
        self.init(configuration: configuration, network: shape, data: data, validation: validation)
        precondition(state.parameters.count == shape.parameters.count && state.order.count == data.count
                     && state.statistics.count == shape.statistics.count)
        variables.network.parameters = state.parameters
        variables.network.statistics = state.statistics
        variables.dropout.state = state.dropout
        optimizer.restore(buffers: state.optimizerBuffers, steps: state.optimizerSteps)
        variables.rng.state = state.shuffling
        variables.order = state.order
        if let s = state.earlyStopping {
            variables.stopping?.bestLoss = s.bestLoss
            variables.stopping?.bestEpoch = s.bestEpoch
            variables.stopping?.stale = s.stale
            variables.stopping?.bestParameters = s.bestParameters
            variables.stopping?.bestStatistics = s.bestStatistics
        }
        variables.epoch = state.epoch
    }

    /// Everything the next epoch depends on (valid between epochs, before training ends).
    public var state: TrainingState<T> {
        let count = network.parameters.count
        let saved = optimizer.state(count: count)
        return TrainingState(epoch: epoch, parameters: network.parameters, optimizerBuffers: saved.buffers.map(\.values),
                             optimizerSteps: saved.steps, shuffling: variables.rng.state, order: variables.order,
                             earlyStopping: variables.stopping.map { .init(bestLoss: $0.bestLoss, bestEpoch: $0.bestEpoch, stale: $0.stale,
                                                                  bestParameters: $0.bestParameters, bestStatistics: $0.bestStatistics) },
                             statistics: network.statistics, dropout: variables.dropout.state)
    }

    /// Runs epochs until training ends, `onEpoch` returns false (then the outcome is
    /// `.stopped`, unless that epoch diverged), or epoch `last` is done or `pauseAfter`
    /// says so after an epoch that did not end training (then it returns nil: paused,
    /// `state` continues from there).
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    @discardableResult
    public func run(until last: Int? = nil, pauseAfter: (Int) -> Bool = { _ in false }, onEpoch: (Epoch) -> Bool) -> TrainingOutcome? {
        guard outcome == nil else { return outcome }
        var v = variables
        // float32 flushes subnormals to zero (`SubnormalFlushing`), except in the callbacks.
        SubnormalFlushing.with(configuration.flushesSubnormals && SubnormalFlushing.applies(to: T.self)) {
            data.inputs.elements.withUnsafeBufferPointer { allX in
                data.targets.elements.withUnsafeBufferPointer { allT in
                    epochs(allX.baseAddress!, allT.baseAddress!, until: min(last ?? configuration.epochs, configuration.epochs),
                           variables: &v, pauseAfter: pauseAfter, onEpoch: onEpoch)
                }
            }
        }
        variables = v
        return v.result
    }

    /// What the epochs change. `run` works on a local copy (stored back when it returns):
    /// the class's stored property would cost an exclusivity check at every access, and so
    /// would a variable captured by the closures that lend `run` the data's pointers. Passed
    /// `inout` to `epochs`, it is checked when the call is compiled.
    struct Variables {
        var network: Network<T>
        var rng: Xoshiro256StarStar
        var order: [Int]
        var stopping: EarlyStopping.Tracker<T>?
        /// The stream dropout's masks are drawn from.
        var dropout: Xoshiro256StarStar
        /// The last epoch done; -1 before epoch 0 is evaluated.
        var epoch = -1
        /// Full batch: whether the workspace holds the forward pass of the current parameters
        /// (the update reuses it). A resumed loop computes it again first.
        var forwardIsCurrent = false
        /// Set when training has ended.
        var result: TrainingOutcome? = nil
    }

    /// The epochs of `run`, on the training data's inputs x0 and targets t0, until epoch `stop`.
    @inline(__always)
    private func epochs(_ x0: UnsafePointer<T>, _ t0: UnsafePointer<T>, until stop: Int, variables v: inout Variables,
                        pauseAfter: (Int) -> Bool, onEpoch: (Epoch) -> Bool) {
        let n = data.count, loss = configuration.loss, epochs = configuration.epochs
        let labels = data.labels, fullBatch = batch == n
        // Batch normalisation and dropout: every batch gets a training pass of its own (masks
        // drawn, batch statistics, running statistics updated), measured before its update.
        let stochastic = v.network.trainsDifferently
        let workspace = workspace, evaluation = evaluation, optimizer = optimizer, tracker = tracker
        let tiny = tiny
        let decay = T(configuration.optimizer.weightDecay), l1 = T(configuration.optimizer.l1), clip = configuration.clipGradNorm.map { T($0) }
        let inputs = v.network.inputs, outputs = v.network.outputs
        var tally = BatchTally(loss: loss, rows: n)
        if v.epoch < 0 {
            if fullBatch {
                v.network.forward(x0, rows: n, workspace: workspace)
                v.forwardIsCurrent = !stochastic
                tally.add(v.network, workspace, target: t0, rows: n) { labels?[$0] }
            } else {
                tally.add(v.network.evaluateInCurrentMode(data, loss: loss, workspace: evaluation))
            }
            v.epoch = 0
            // Epoch 0 reports the rate the first update will use.
            let rate = configuration.optimizer.learningRate(epoch: 1, of: epochs)
            if endEpoch(train: tally.result(labelled: labels != nil), learningRate: rate, &v, pauseAfter: pauseAfter, onEpoch: onEpoch) { return }
        }
        while v.epoch < stop {
            let current = v.epoch + 1
            let rate = configuration.optimizer.learningRate(epoch: current, of: epochs)
            tally = BatchTally(loss: loss, rows: n)
            if let tiny {
                let forwardIsCurrent = v.forwardIsCurrent
                v.network.parameters.withUnsafeMutableBufferPointer { p in
                    let p0 = p.baseAddress!
                    if !forwardIsCurrent { tiny.forward(x0, parameters: p0) }
                    tiny.step(x0, target: t0, parameters: p0, loss: loss, optimizer: optimizer, learningRate: rate)
                    tiny.forward(x0, parameters: p0)
                }
                v.forwardIsCurrent = true
                tally.add(output: tiny.output, columns: outputs, target: t0, rows: n) { labels?[$0] }
            } else if fullBatch && stochastic {
                v.network.drawDropoutMasks(rows: n, workspace: workspace, using: &v.dropout)
                v.network.forward(x0, rows: n, workspace: workspace, mode: .training)
                tracker?.observeForward(workspace, rows: n)
                tally.add(v.network, workspace, target: t0, rows: n) { labels?[$0] }
                v.network.updateRunningStatistics(workspace: workspace, rows: n)
                v.network.trainingStep(x0, target: t0, rows: n, loss: loss, weightDecay: decay, optimizer: optimizer,
                                       learningRate: rate, workspace: workspace, tracker: tracker, foldsDecay: true, l1: l1, clipNorm: clip)
            } else if fullBatch {
                // The update reuses the forward pass of the current parameters.
                if !v.forwardIsCurrent { v.network.forward(x0, rows: n, workspace: workspace) }
                v.network.trainingStep(x0, target: t0, rows: n, loss: loss, weightDecay: decay, optimizer: optimizer,
                                       learningRate: rate, workspace: workspace, tracker: tracker, foldsDecay: true, l1: l1, clipNorm: clip)
                v.network.forward(x0, rows: n, workspace: workspace)
                v.forwardIsCurrent = true
                tracker?.observeForward(workspace, rows: n)
                tally.add(v.network, workspace, target: t0, rows: n) { labels?[$0] }
            } else {
                v.rng.shuffle(&v.order)
                let order = v.order  // this epoch's, read by every batch below
                var start = 0
                while start < n {
                    let rows = min(batch, n - start)
                    for r in 0..<rows {
                        let source = order[start + r]
                        (workspace.batchInputs + r * inputs).update(from: x0 + source * inputs, count: inputs)
                        (workspace.batchTargets + r * outputs).update(from: t0 + source * outputs, count: outputs)
                    }
                    let x = UnsafePointer(workspace.batchInputs), t = UnsafePointer(workspace.batchTargets)
                    if stochastic { v.network.drawDropoutMasks(rows: rows, workspace: workspace, using: &v.dropout) }
                    v.network.forward(x, rows: rows, workspace: workspace, mode: .training)
                    tracker?.observeForward(workspace, rows: rows)
                    tally.add(v.network, workspace, target: t, rows: rows) { [start] r in labels?[order[start + r]] }
                    if stochastic { v.network.updateRunningStatistics(workspace: workspace, rows: rows) }
                    v.network.trainingStep(x, target: t, rows: rows, loss: loss, weightDecay: decay, optimizer: optimizer,
                                           learningRate: rate, workspace: workspace, tracker: tracker, foldsDecay: true, l1: l1, clipNorm: clip)
                    start += rows
                }
            }
            v.epoch = current
            if endEpoch(train: tally.result(labelled: labels != nil), learningRate: rate, &v, pauseAfter: pauseAfter, onEpoch: onEpoch) { return }
        }
    }

    /// The end of epoch `v.epoch`: measures validation, records the epoch, hands it over
    /// and decides whether training ends with it; true when it does (`v.result` is then
    /// set, unless the loop pauses).
    @inline(__always)
    private func endEpoch(train: Evaluation, learningRate: Double, _ v: inout Variables,
                          pauseAfter: (Int) -> Bool, onEpoch: (Epoch) -> Bool) -> Bool {
        let epoch = v.epoch
        let val = validation.map { v.network.evaluateInCurrentMode($0, loss: configuration.loss, workspace: evaluation) }
        let r = EpochRecord(epoch: epoch, trainLoss: train.loss, validationLoss: val?.loss,
                            trainAccuracy: train.accuracy, validationAccuracy: val?.accuracy, learningRate: learningRate)
        var d: Diagnostics? = nil
        if let tracker {
            d = tracker.record(v.network, trained: epoch > 0)
            tracker.startEpoch()
        }
        let proceed = SubnormalFlushing.suspended { onEpoch(Epoch(record: r, diagnostics: d)) }
        if !r.trainLoss.isFinite || !(r.validationLoss?.isFinite ?? true) || !v.network.parametersAreFinite {
            v.result = .diverged(epoch: epoch)
        } else if !proceed {
            v.result = .stopped(epoch: epoch)
        } else if v.stopping?.observe(epoch: epoch, validationLoss: r.validationLoss!, parameters: v.network.parameters,
                                      statistics: v.network.statistics) == true {
            v.network.parameters = v.stopping!.bestParameters
            v.network.statistics = v.stopping!.bestStatistics
            v.result = .earlyStopped(epoch: epoch, bestEpoch: v.stopping!.bestEpoch)
        } else if epoch >= configuration.epochs {
            v.result = .completed
        } else if SubnormalFlushing.suspended({ pauseAfter(epoch) }) {
            return true
        }
        return v.result != nil
    }
}
