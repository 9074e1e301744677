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

    public struct EarlyStoppingState: Sendable, Equatable {
        public var bestLoss: Double
        public var bestEpoch: Int
        public var stale: Int
        public var bestParameters: [T]
        public init(bestLoss: Double, bestEpoch: Int, stale: Int, bestParameters: [T]) {
            self.bestLoss = bestLoss
            self.bestEpoch = bestEpoch
            self.stale = stale
            self.bestParameters = bestParameters
        }
    }

    public init(epoch: Int, parameters: [T], optimizerBuffers: [[T]], optimizerSteps: Int?,
                shuffling: (UInt64, UInt64, UInt64, UInt64), order: [Int], earlyStopping: EarlyStoppingState?) {
        self.epoch = epoch
        self.parameters = parameters
        self.optimizerBuffers = optimizerBuffers
        self.optimizerSteps = optimizerSteps
        self.shuffling = shuffling
        self.order = order
        self.earlyStopping = earlyStopping
    }
}
