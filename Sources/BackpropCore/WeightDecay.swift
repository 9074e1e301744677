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

/// Weight decay folded into the optimizer's pass: g + λ/n·W is formed in registers as each
/// weight is updated, instead of in a pass of its own over the gradients before the step.
/// Same arithmetic (the gradient is g + (λ/n·W), rounded as `addWeightDecay` rounds it), one
/// pass less over memory: memory traffic bounds SGD's update of a large network and Adam's in
/// float32 (Adam's in float64 is bound by its divisions: make bench, section 2). The gradient
/// block keeps the data gradient (without the decay term).
public struct FoldedDecay<T: Scalar> {
    /// λ / n.
    public let scale: T
    public let layers: [DenseLayer]

    public init(lambda: T, rows: Int, layers: [DenseLayer]) {
        scale = lambda / T(rows)
        self.layers = layers
    }

    /// Calls `body(range, decayed)` on every layer's weights (decayed) then biases (not), in
    /// the parameter block's order; together they cover it once.
    @inline(__always)
    public func forEachRange(_ body: (Range<Int>, Bool) -> Void) {
        for layer in layers {
            body(layer.weightOffset..<layer.biasOffset, true)
            body(layer.biasOffset..<layer.endOffset, false)  // b, and γ, β with batch normalisation
        }
    }
}
