import RealModule

/// Adam (Kingma & Ba 2015, Algorithm 1), with step t counted from 1:
///
///     m <- m + (1 - β1)(g - m)          m̂ = m / (1 - β1^t)
///     v <- β2 v + (1 - β2) g²           v̂ = v / (1 - β2^t)
///     w <- w - lr · m̂ / (√v̂ + ε)
///
/// m and v start at zero. This is PyTorch's `torch.optim.Adam` exactly; scikit-learn folds
/// the corrections into the step size instead, which moves ε by a factor √(1 - β2^t).
///
/// The operations are PyTorch's, in its order (`_single_tensor_adam`): m moves towards g by
/// `lerp` (m + w (g - m) with w = 1 - β1; for w >= 0.5, g - (g - m)(1 - w)), v by
/// v·β2 + ((1 - β2)·g)·g, and w by (-step · m) / (√v / √(1 - β2^t) + ε). Every constant is
/// derived in double precision and rounded once to T: β2, 1 - β (not 1 - Float(β), which
/// is 1.3e-5 off for β2 = 0.999) and lr / (1 - β1^t). So float32 follows PyTorch's float32
/// as float64 follows its float64.
///
/// With `decay`, the gradient of a weight is g + λ/n·w, formed in the same pass (`FoldedDecay`).
public final class Adam<T: Scalar> {
    public let beta1: Double
    public let beta2: Double
    public let epsilon: T
    let m: StateBuffer<T>
    let v: StateBuffer<T>
    /// Steps taken so far.
    public internal(set) var t = 0

    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, parameterCount: Int) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = T(epsilon)
        m = StateBuffer(count: parameterCount)
        v = StateBuffer(count: parameterCount)
    }

    // Exported for both precisions so that a caller in another module (make bench's
    // `gemm-bound --adam`) runs the same specialised code as the training loop, not the
    // generic entry point.
    @_specialize(exported: true, where T == Double)
    @_specialize(exported: true, where T == Float)
    public func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: Double,
                     decay: FoldedDecay<T>? = nil) {
        t += 1
        // The bias corrections in double precision, whatever T is.
        let correction1 = 1 - Double.pow(beta1, t), correction2 = 1 - Double.pow(beta2, t)
        let step = T(-(learningRate / correction1))
        let rootCorrection2 = T(correction2.squareRoot())
        let w = T(1 - beta1), oneMinusW = 1 - w, towardsG = w < T(0.5)
        let b2 = T(beta2), c2 = T(1 - beta2), eps = epsilon, m = m.pointer, v = v.pointer
        let scale = decay?.scale ?? 0
        /// Parameters [start, end), with g + scale·w as their gradient when `decayed`.
        @inline(__always)
        func update(_ start: Int, _ end: Int, decayed: Bool) {
            // Eight parameters at a time in SIMD registers (the compiler cannot vectorise the
            // plain loop: the four pointers might overlap). The same operations in the same
            // order as the scalar tail, so the results are bit for bit those of a plain loop.
            typealias Lanes = SIMD8<T>
            let width = Lanes.scalarCount
            var i = start
            while i + width <= end {
                let p = UnsafeRawPointer(parameters + i).loadUnaligned(as: Lanes.self)
                var g = UnsafeRawPointer(gradients + i).loadUnaligned(as: Lanes.self)
                if decayed { g += scale * p }
                let m0 = UnsafeRawPointer(m + i).loadUnaligned(as: Lanes.self)
                let mi = towardsG ? m0 + w * (g - m0) : g - (g - m0) * oneMinusW
                let vi = UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self) * b2 + c2 * g * g
                let updated = p + step * mi / (T.squareRoot(vi) / rootCorrection2 + eps)
                UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: Lanes.self)
                UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: Lanes.self)
                UnsafeMutableRawPointer(parameters + i).storeBytes(of: updated, as: Lanes.self)
                i += width
            }
            while i < end {
                let g = decayed ? gradients[i] + scale * parameters[i] : gradients[i]
                m[i] = towardsG ? m[i] + w * (g - m[i]) : g - (g - m[i]) * oneMinusW
                v[i] = v[i] * b2 + c2 * g * g
                parameters[i] += step * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
                i += 1
            }
        }
        if let decay {
            decay.forEachRange { range, decayed in
                if decayed { update(range.lowerBound, range.upperBound, decayed: true) }
                else { update(range.lowerBound, range.upperBound, decayed: false) }
            }
        } else {
            update(0, count, decayed: false)
        }
    }
}
