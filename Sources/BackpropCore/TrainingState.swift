/// A training loop between two epochs: everything the next epoch depends on. The learning
/// rate's schedule position is the epoch; diagnostics start afresh every epoch.
public struct TrainingState<T: Scalar>: Sendable {
    /// The last epoch done (0: evaluated, not trained).
    public var epoch: Int
    public var parameters: [T]
    /// The optimizer's buffers, in `AnyOptimizer.state`'s order (v; or Adam's m and v).
    public var optimizerBuffers: [[T]]
    /// Adam's step count.
    public var optimizerSteps: Int?
    /// The shuffling stream's xoshiro256** state, and the row order it last shuffled.
    public var shuffling: (UInt64, UInt64, UInt64, UInt64)
    public var order: [Int]
    public var earlyStopping: EarlyStoppingState?
    /// Batch normalisation's running means and variances (the network's `statistics`).
    public var statistics: [T]
    /// The dropout stream's xoshiro256** state.
    public var dropout: (UInt64, UInt64, UInt64, UInt64)

    public struct EarlyStoppingState: Sendable, Equatable {
        public var bestLoss: Double
        public var bestEpoch: Int
        public var stale: Int
        public var bestParameters: [T]
        /// The best epoch's running statistics.
        public var bestStatistics: [T]
        public init(bestLoss: Double, bestEpoch: Int, stale: Int, bestParameters: [T], bestStatistics: [T] = []) {
            self.bestLoss = bestLoss
            self.bestEpoch = bestEpoch
            self.stale = stale
            self.bestParameters = bestParameters
            self.bestStatistics = bestStatistics
        }
    }

    public init(epoch: Int, parameters: [T], optimizerBuffers: [[T]], optimizerSteps: Int?,
                shuffling: (UInt64, UInt64, UInt64, UInt64), order: [Int], earlyStopping: EarlyStoppingState?,
                statistics: [T] = [], dropout: (UInt64, UInt64, UInt64, UInt64)) {
        self.epoch = epoch
        self.parameters = parameters
        self.optimizerBuffers = optimizerBuffers
        self.optimizerSteps = optimizerSteps
        self.shuffling = shuffling
        self.order = order
        self.earlyStopping = earlyStopping
        self.statistics = statistics
        self.dropout = dropout
    }
}

extension TrainingState {
    /// Why this state cannot continue a run of `configuration` over a network of `parameters`
    /// parameters and `rows` training rows; nil when it can. A saved state comes from a file,
    /// which anyone may have written with a valid checksum: every field is checked against the
    /// run before the loop takes it (where a wrong length or index would trap).
    public func problem(configuration: TrainingConfiguration, parameters: Int, statistics: Int = 0, rows: Int) -> String? {
        guard (0...configuration.epochs).contains(epoch) else { return "epoch \(epoch) is outside 0...\(configuration.epochs)" }
        guard self.parameters.count == parameters else { return "\(self.parameters.count) parameters where the network has \(parameters)" }
        guard self.statistics.count == statistics else { return "\(self.statistics.count) running statistics where the network has \(statistics)" }
        guard self.statistics.allSatisfy({ $0.isFinite }) else { return "running statistics that are not finite" }
        guard dropout != (0, 0, 0, 0) else { return "a dropout stream state of zeros (xoshiro256** never leaves it)" }
        let optimizer = configuration.optimizer
        let buffers = optimizer.kind == .adam ? 2 : optimizer.momentum == 0 ? 0 : 1
        guard optimizerBuffers.count == buffers, optimizerBuffers.allSatisfy({ $0.count == parameters }) else {
            return "optimizer buffers that do not fit the optimizer and the network"
        }
        if optimizer.kind == .adam {
            guard let steps = optimizerSteps, steps >= 0 else { return "no step count for Adam" }
        } else if optimizerSteps != nil {
            return "a step count for an optimizer that keeps none"
        }
        guard order.count == rows else { return "a row order of \(order.count) rows for \(rows)" }
        var seen = [Bool](repeating: false, count: rows)
        for i in order {
            guard (0..<rows).contains(i), !seen[i] else { return "a row order that is not a permutation of the training rows" }
            seen[i] = true
        }
        switch (earlyStopping, configuration.earlyStopping) {
        case (nil, nil): break
        case let (s?, _?):
            guard s.bestParameters.count == parameters, s.bestStatistics.count == statistics, (0...epoch).contains(s.bestEpoch), (0...epoch).contains(s.stale), !s.bestLoss.isNaN else {
                return "an early-stopping state that does not fit the run"
            }
        default: return "an early-stopping state where the run has \(configuration.earlyStopping == nil ? "none" : "one")"
        }
        return nil
    }
}
