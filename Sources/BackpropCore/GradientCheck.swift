/// The largest disagreement between backpropagation and finite differences in one layer.
public struct LayerGradientCheck: Equatable, Sendable {
    public var layer: Int
    public var maxRelativeErrorWeights: Double
    public var maxRelativeErrorBiases: Double
    /// Batch normalisation's γ and β; nil without.
    public var maxRelativeErrorNormalization: Double? = nil
    public var maxRelativeError: Double { max(maxRelativeErrorWeights, maxRelativeErrorBiases, maxRelativeErrorNormalization ?? 0) }
}

extension Network {
    /// Compares every backprop gradient with the central difference
    /// (L(w + h) - L(w - h)) / 2h on the given batch, in training mode: batch normalisation
    /// with the batch's statistics (so its gradient, through μ and σ², is checked), dropout
    /// with one mask drawn from `seed`'s dropout stream and kept for every evaluation.
    /// inputs: (batch, inputs), targets: (batch, outputs) -> one result per layer
    ///
    /// The relative error is |g - n| / max(|g| + |n|, floor): a relative measure for
    /// gradients of ordinary size, and an absolute one, scaled by `floor`, for gradients
    /// near zero, where the rounding error of the difference quotient (about ε·L/h)
    /// would otherwise dominate.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func gradientCheck(inputs: Matrix<T>, targets: Matrix<T>, loss: Loss,
                              step h: T = T(Self.defaultStep), floor: Double = 1e-4, seed: UInt64 = 0) -> [LayerGradientCheck] {
        let rows = inputs.rows
        let workspace = Workspace<T>(network: self, capacity: rows)
        var probe = self
        return inputs.elements.withUnsafeBufferPointer { xb in
            targets.elements.withUnsafeBufferPointer { tb in
                let x = xb.baseAddress!, t = tb.baseAddress!
                var masks = Xoshiro256StarStar(seed: seed, stream: .dropout)
                drawDropoutMasks(rows: rows, workspace: workspace, using: &masks)
                forward(x, rows: rows, workspace: workspace, mode: .training)
                backward(x, target: t, rows: rows, loss: loss, workspace: workspace)
                let analytic = workspace.gradientArray
                func lossAt(_ i: Int, _ value: T) -> Double {
                    probe.parameters[i] = value
                    probe.forward(x, rows: rows, workspace: workspace, mode: .training)
                    return Double(probe.loss(loss, target: t, rows: rows, workspace: workspace))
                }
                func relativeError(_ range: Range<Int>) -> Double {
                    var worst = 0.0
                    for i in range {
                        let w = parameters[i]
                        let numeric = (lossAt(i, w + h) - lossAt(i, w - h)) / (2 * Double(h))
                        probe.parameters[i] = w
                        let g = Double(analytic[i])
                        worst = Swift.max(worst, abs(g - numeric) / Swift.max(abs(g) + abs(numeric), floor))
                    }
                    return worst
                }
                return layers.enumerated().map { l, layer in
                    LayerGradientCheck(
                        layer: l,
                        maxRelativeErrorWeights: relativeError(layer.weightOffset..<layer.biasOffset),
                        maxRelativeErrorBiases: relativeError(layer.biasOffset..<(layer.biasOffset + layer.units)),
                        maxRelativeErrorNormalization: layer.batchNorm ? relativeError(layer.scaleOffset..<layer.endOffset) : nil)
                }
            }
        }
    }

    /// A finite-difference step near the cube root of the precision's epsilon, which
    /// balances truncation error (h²) against rounding error (ε/h).
    public static var defaultStep: Double { T.self == Float.self ? 1e-2 : 1e-5 }
}
