/// When a run writes checkpoint.bin: after every `everyEpochs` epochs, and once
/// `everySeconds` of training have passed since the last one (or the start). Without
/// `training.checkpoint`, every 30 s: a run shorter than that writes none. `{}` writes none.
public struct CheckpointPolicy: Equatable, Sendable {
    public var everyEpochs: Int?
    public var everySeconds: Double?

    public init(everyEpochs: Int? = nil, everySeconds: Double? = 30) {
        self.everyEpochs = everyEpochs
        self.everySeconds = everySeconds
    }

    /// Whether to write one after `epoch`, `elapsed` seconds after the last one.
    public func due(epoch: Int, elapsed: Double) -> Bool {
        if let n = everyEpochs, epoch > 0, epoch % n == 0 { return true }
        if let t = everySeconds, elapsed >= t { return true }
        return false
    }
}
