import RealModule

/// Gradient-norm clipping as PyTorch's `torch.nn.utils.clip_grad_norm_(parameters, max_norm)`:
///
///     ‖g‖ = ‖(‖g_W1‖, ‖g_b1‖, ‖g_W2‖, …)‖₂     (the 2-norm of every tensor's 2-norm, in
///                                                PyTorch's parameter order)
///     c = min(max_norm / (‖g‖ + 1e-6), 1)
///     g ← c · g                                  (every gradient, also when c is 1)
///
/// over the whole gradient the optimizer receives (the data gradient with the penalties'
/// terms: a penalty is part of the loss).
extension Network {
    /// Clips `gradients` (parameter layout) in place; returns the norm before clipping and
    /// the coefficient applied.
    @discardableResult
    public func clipGradientNorm(_ maxNorm: T, gradients: UnsafeMutablePointer<T>) -> (norm: T, coefficient: T) {
        func norm(_ range: Range<Int>) -> T {
            var s: T = 0
            for i in range { s += gradients[i] * gradients[i] }
            return s.squareRoot()
        }
        var squares: T = 0
        for layer in layers {
            let w = norm(layer.weightOffset..<layer.biasOffset), b = norm(layer.biasOffset..<(layer.biasOffset + layer.units))
            squares += w * w
            squares += b * b
        }
        let total = squares.squareRoot()
        let coefficient = min(maxNorm / (total + T(1e-6)), 1)
        for i in 0..<parameters.count { gradients[i] *= coefficient }
        return (total, coefficient)
    }
}
