/// One of the optimizers, as a closed set: the training loop calls `step` through a switch
/// the compiler sees through, rather than through an existential it cannot specialise.
///
/// Each is an update rule over the network's flat parameter block, with its own state:
/// `step` reads the gradients of one batch and moves every parameter once. They are classes
/// that keep whatever per-parameter state they need (velocities, moments) in buffers
/// allocated once, at creation, so that a step allocates and copies nothing. The learning
/// rate is given in double precision: each rule rounds what it derives from it once, to T.
public enum AnyOptimizer<T: Scalar> {
    case sgd(SGD<T>)
    case momentum(SGDMomentum<T>)
    case adam(Adam<T>)

    /// One update of every parameter; with `decay`, weight decay folded into the same pass.
    @inline(__always)
    public func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: Double,
                     decay: FoldedDecay<T>? = nil) {
        switch self {
        case let .sgd(o): o.step(parameters: parameters, gradients: gradients, count: count, learningRate: learningRate, decay: decay)
        case let .momentum(o): o.step(parameters: parameters, gradients: gradients, count: count, learningRate: learningRate, decay: decay)
        case let .adam(o): o.step(parameters: parameters, gradients: gradients, count: count, learningRate: learningRate, decay: decay)
        }
    }

    /// The optimizer's state as `trace` shows it: each buffer by its name in the update rule
    /// (v for momentum; m and v for Adam), in the parameter layout, and Adam's step count.
    public func state(count: Int) -> (buffers: [(name: String, values: [T])], steps: Int?) {
        func copy(_ b: StateBuffer<T>) -> [T] { Array(UnsafeBufferPointer(start: b.pointer, count: count)) }
        switch self {
        case .sgd: return ([], nil)
        case let .momentum(o): return ([("v", copy(o.velocity))], nil)
        case let .adam(o): return ([("m", copy(o.m)), ("v", copy(o.v))], o.t)
        }
    }
}

extension AnyOptimizer {
    /// Puts back a state `state(count:)` returned: the buffers in the same order, Adam's steps.
    public func restore(buffers: [[T]], steps: Int?) {
        func copy(_ values: [T], into b: StateBuffer<T>) { values.withUnsafeBufferPointer { b.pointer.update(from: $0.baseAddress!, count: $0.count) } }
        switch self {
        case .sgd: break
        case let .momentum(o): copy(buffers[0], into: o.velocity)
        case let .adam(o):
            copy(buffers[0], into: o.m)
            copy(buffers[1], into: o.v)
            o.t = steps ?? 0
        }
    }
}

/// A zeroed buffer of optimizer state that lives as long as its optimizer.
final class StateBuffer<T: Scalar> {
    let pointer: UnsafeMutablePointer<T>
    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    deinit { pointer.deallocate() }
}

/// Which optimizer a run uses, and its settings.
public struct OptimizerConfiguration: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case sgd, adam
    }
    public var kind: Kind
    /// The base learning rate; `schedule` varies it by epoch.
    public var learningRate: Double
    /// SGD only: the velocity's decay μ (0: plain SGD), and whether to use Nesterov's form.
    public var momentum: Double
    public var nesterov: Bool
    /// Adam only: the moments' decay rates and the denominator's ε (Kingma & Ba's defaults).
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// The L2 penalty on weights (not biases), as scikit-learn's `alpha`: see `WeightDecay`.
    public var weightDecay: Double
    /// The L1 penalty on weights (not biases), λ₁·Σ|W| added to the loss: see `L1Penalty`.
    public var l1: Double
    public var schedule: LearningRateSchedule

    public init(kind: Kind = .sgd, learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, l1: Double = 0, schedule: LearningRateSchedule = .constant) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.l1 = l1
        self.schedule = schedule
    }

    /// A fresh optimizer, with zeroed state, for `parameterCount` parameters.
    public func make<T: Scalar>(parameterCount: Int, scalar: T.Type = T.self) -> AnyOptimizer<T> {
        switch kind {
        case .sgd:
            return momentum == 0 ? .sgd(SGD<T>())
                : .momentum(SGDMomentum<T>(momentum: T(momentum), nesterov: nesterov, parameterCount: parameterCount))
        case .adam:
            return .adam(Adam<T>(beta1: beta1, beta2: beta2, epsilon: epsilon, parameterCount: parameterCount))
        }
    }

    /// The learning rate in effect during `epoch` (1-based) of `epochs`.
    public func learningRate(epoch: Int, of epochs: Int) -> Double {
        schedule.rate(base: learningRate, epoch: epoch, epochs: epochs)
    }
}
