/// Plain stochastic gradient descent: w <- w - lr · g. No state. With `decay`, the gradient
/// of a weight is g + λ/n·w, formed in the same pass (`FoldedDecay`).
public final class SGD<T: Scalar> {
    public init() {}

    public func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: Double,
                     decay: FoldedDecay<T>? = nil) {
        let learningRate = T(learningRate)
        guard let decay else {
            for i in 0..<count { parameters[i] -= learningRate * gradients[i] }
            return
        }
        let scale = decay.scale
        decay.forEachRange { range, decayed in
            if decayed {
                for i in range { parameters[i] -= learningRate * (gradients[i] + scale * parameters[i]) }
            } else {
                for i in range { parameters[i] -= learningRate * gradients[i] }
            }
        }
    }
}

/// SGD with momentum, in PyTorch's form (Sutskever et al. 2013):
///
///     v <- μ v + g
///     w <- w - lr · v                 (classical)
///     w <- w - lr · (g + μ v)         (Nesterov)
///
/// v starts at zero. With a constant learning rate this is the same trajectory as
/// scikit-learn's form v <- μ v - lr g, w <- w + v. With `decay`, the gradient of a weight is
/// g + λ/n·w, formed in the same pass (`FoldedDecay`).
public final class SGDMomentum<T: Scalar> {
    public let momentum: T
    public let nesterov: Bool
    let velocity: StateBuffer<T>

    public init(momentum: T, nesterov: Bool, parameterCount: Int) {
        self.momentum = momentum
        self.nesterov = nesterov
        velocity = StateBuffer(count: parameterCount)
    }

    public func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: Double,
                     decay: FoldedDecay<T>? = nil) {
        let learningRate = T(learningRate), mu = momentum, v = velocity.pointer, nesterov = nesterov
        let scale = decay?.scale ?? 0
        /// Parameters in `range`, with g + scale·w as their gradient when `decayed`.
        @inline(__always)
        func update(_ range: Range<Int>, decayed: Bool) {
            for i in range {
                let g = decayed ? gradients[i] + scale * parameters[i] : gradients[i]
                v[i] = mu * v[i] + g
                parameters[i] -= nesterov ? learningRate * (g + mu * v[i]) : learningRate * v[i]
            }
        }
        if let decay {
            decay.forEachRange { range, decayed in
                if decayed { update(range, decayed: true) } else { update(range, decayed: false) }
            }
        } else {
            update(0..<count, decayed: false)
        }
    }
}
