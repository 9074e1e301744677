/// The L1 penalty on weights, as a PyTorch loop adds `l1 * sum(w.abs())` to its mean loss:
///
///     λ₁ · Σ_layers Σ|W|     added to the loss, so     dL/dW += λ₁ · sign(W)
///
/// with sign(0) = 0 (autograd's derivative of |w| at 0). Biases are not penalised, and the
/// logged losses are the data losses. Unlike `weight_decay` (scikit-learn's alpha, divided by
/// the batch's rows), λ₁ is not divided by n.
extension Network {
    /// gradients (parameter layout) += λ₁ · sign(W), for the weights of every layer.
    public func addL1(_ lambda: T, to gradients: UnsafeMutablePointer<T>) {
        parameters.withUnsafeBufferPointer { p in
            for layer in layers {
                for i in layer.weightOffset..<layer.biasOffset {
                    let w = p[i]
                    if w > 0 { gradients[i] += lambda } else if w < 0 { gradients[i] -= lambda }
                }
            }
        }
    }
}
