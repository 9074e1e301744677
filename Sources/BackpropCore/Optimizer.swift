/// An update rule over the network's flat parameter block, with its own state.
///
/// `step` reads the gradients of one batch and moves every parameter once. Implementations
/// keep whatever per-parameter state they need (velocities, moments), sized at creation.
public protocol Optimizer<T> {
    associatedtype T: Scalar
    /// parameters, gradients: (count) -> parameters updated in place
    mutating func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: T)
}

/// Which optimizer a run uses, and its settings.
public struct OptimizerConfiguration: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case sgd
    }
    public var kind: Kind
    public var learningRate: Double

    public init(kind: Kind = .sgd, learningRate: Double) {
        self.kind = kind
        self.learningRate = learningRate
    }

    /// A fresh optimizer, with zeroed state, for `parameterCount` parameters.
    public func make<T: Scalar>(parameterCount: Int, scalar: T.Type = T.self) -> any Optimizer<T> {
        switch kind {
        case .sgd: return SGD<T>()
        }
    }
}
