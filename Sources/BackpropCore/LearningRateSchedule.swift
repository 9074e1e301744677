import RealModule

/// How the learning rate changes from epoch to epoch. The rate is constant within an epoch;
/// e below is the epoch's 0-based index (epoch 1 has e = 0), E the number of epochs.
public enum LearningRateSchedule: Equatable, Sendable {
    /// lr
    case constant
    /// lr · γ^⌊e / every⌋: multiplied by γ every `every` epochs.
    case step(every: Int, gamma: Double)
    /// lr · γ^e
    case exponential(gamma: Double)
    /// minimum + (lr - minimum) · (1 + cos(π e / E)) / 2: from lr down towards minimum
    /// (PyTorch's CosineAnnealingLR with T_max = E).
    case cosine(minimum: Double)

    public static let names = ["constant", "step", "exponential", "cosine"]

    /// The rate for 1-based `epoch` of `epochs`, from the base rate `base`.
    public func rate(base: Double, epoch: Int, epochs: Int) -> Double {
        let e = max(epoch - 1, 0)
        switch self {
        case .constant: return base
        case let .step(every, gamma): return base * Double.pow(gamma, e / max(every, 1))
        case let .exponential(gamma): return base * Double.pow(gamma, e)
        case let .cosine(minimum):
            return minimum + (base - minimum) * (1 + Double.cos(Double.pi * Double(e) / Double(max(epochs, 1)))) / 2
        }
    }
}
