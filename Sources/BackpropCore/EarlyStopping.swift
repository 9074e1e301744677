/// Stop when the validation loss has not improved for `patience` epochs, and keep the best.
///
/// An epoch improves when its validation loss is below the best so far by more than
/// `minDelta`. Epoch 0 (before training) sets the first best. When `patience` epochs in a
/// row fail to improve, training stops and the parameters of the best epoch are restored.
public struct EarlyStopping: Equatable, Sendable {
    public var patience: Int
    public var minDelta: Double

    public init(patience: Int, minDelta: Double = 0) {
        self.patience = patience
        self.minDelta = minDelta
    }

    /// The running state of one training run.
    struct Tracker<T: Scalar> {
        let rule: EarlyStopping
        var bestLoss = Double.infinity
        var bestEpoch = 0
        var bestParameters: [T] = []
        /// The best epoch's running statistics (batch normalisation), restored with its parameters.
        var bestStatistics: [T] = []
        var stale = 0

        /// Records an epoch; returns true when training should stop.
        mutating func observe(epoch: Int, validationLoss: Double, parameters: [T], statistics: [T]) -> Bool {
            if validationLoss < bestLoss - rule.minDelta || epoch == 0 {
                bestLoss = validationLoss
                bestEpoch = epoch
                bestParameters = parameters
                bestStatistics = statistics
                stale = 0
                return false
            }
            stale += 1
            return stale >= rule.patience
        }
    }
}
