/// The L2 penalty on weights, as scikit-learn's `alpha` defines it: a batch of n rows adds
///
///     λ / (2n) · Σ_layers ‖W‖²     to the loss, so     dL/dW += λ / n · W
///
/// Biases are not penalised. The logged losses are the data losses, without the penalty,
/// so runs with different λ compare on the same scale.
extension Network {
    /// gradients (parameter layout) += λ/rows · W, for the weights of every layer.
    public func addWeightDecay(_ lambda: T, rows: Int, to gradients: UnsafeMutablePointer<T>) {
        let scale = lambda / T(rows)
        parameters.withUnsafeBufferPointer { p in
            for layer in layers {
                for i in layer.weightOffset..<layer.biasOffset { gradients[i] += scale * p[i] }
            }
        }
    }
}
