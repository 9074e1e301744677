/// Plain stochastic gradient descent: w <- w - lr · g. No state.
public final class SGD<T: Scalar> {
    public init() {}

    public func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: Double) {
        let learningRate = T(learningRate)
        for i in 0..<count { parameters[i] -= learningRate * gradients[i] }
    }
}

/// SGD with momentum, in PyTorch's form (Sutskever et al. 2013):
///
///     v <- μ v + g
///     w <- w - lr · v                 (classical)
///     w <- w - lr · (g + μ v)         (Nesterov)
///
/// v starts at zero. With a constant learning rate this is the same trajectory as
/// scikit-learn's form v <- μ v - lr g, w <- w + v.
public final class SGDMomentum<T: Scalar> {
    public let momentum: T
    public let nesterov: Bool
    let velocity: StateBuffer<T>

    public init(momentum: T, nesterov: Bool, parameterCount: Int) {
        self.momentum = momentum
        self.nesterov = nesterov
        velocity = StateBuffer(count: parameterCount)
    }

    public func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: Double) {
        let learningRate = T(learningRate), mu = momentum, v = velocity.pointer
        if nesterov {
            for i in 0..<count {
                v[i] = mu * v[i] + gradients[i]
                parameters[i] -= learningRate * (gradients[i] + mu * v[i])
            }
        } else {
            for i in 0..<count {
                v[i] = mu * v[i] + gradients[i]
                parameters[i] -= learningRate * v[i]
            }
        }
    }
}
