/// The forward and backward passes of a whole network, layer by layer, in a workspace.
/// How a forward pass treats the layers that train differently: training uses the batch's
/// statistics and the dropout masks in the workspace (`drawDropoutMasks`); evaluation uses
/// the running statistics and no dropout. A network without such layers computes the same
/// either way.
public enum PassMode: Sendable { case training, evaluation }

extension Network {
    /// x: (rows, inputs) -> workspace.a[last]: (rows, outputs); also fills z[l] and a[l] of every layer.
    ///
    /// Per layer: z = x·W + b; with batch normalisation y = BN(z) (`BatchNormalization`),
    /// else y = z; a = f(y); in training with dropout, a = f(y) ⊙ mask (`Dropout`).
    /// Training mode needs a workspace that holds a backward pass; it does not update the
    /// running statistics (`updateRunningStatistics` does, once per training batch).
    public func forward(_ x: UnsafePointer<T>, rows: Int, workspace: Workspace<T>, mode: PassMode = .evaluation) {
        precondition(rows <= workspace.capacity, "batch of \(rows) rows in a workspace of \(workspace.capacity)")
        let training = mode == .training
        precondition(!training || workspace.holdsBackward || !trainsDifferently, "a training pass in an evaluation workspace")
        parameters.withUnsafeBufferPointer { pb in
            statistics.withUnsafeBufferPointer { sb in
                let p = pb.baseAddress!
                var input = x
                for (l, layer) in layers.enumerated() {
                    let z = workspace.z[l], units = layer.units
                    layer.affine(x: input, batch: rows, parameters: p, z: z)
                    var y = UnsafePointer(z)
                    if layer.batchNorm, let out = workspace.normalized[l] {
                        let scale = p + layer.scaleOffset, shift = scale + units
                        if training {
                            BatchNormalization.forwardTraining(z: z, rows: rows, units: units, scale: scale, shift: shift, y: out,
                                                               mean: workspace.batchMean[l]!, variance: workspace.batchVariance[l]!,
                                                               inverseStd: workspace.inverseStd[l]!)
                        } else {
                            let running = sb.baseAddress! + layer.statisticsOffset
                            BatchNormalization.forwardEvaluation(z: z, rows: rows, units: units, scale: scale, shift: shift,
                                                                 runningMean: running, runningVariance: running + units, y: out)
                        }
                        y = UnsafePointer(out)
                    }
                    if training && layer.dropout > 0 {
                        let activated = workspace.activated[l]!
                        layer.activation.forward(z: y, a: activated, rows: rows, columns: units)
                        Dropout.apply(workspace.mask[l]!, to: activated, into: workspace.a[l], count: rows * units)
                    } else {
                        layer.activation.forward(z: y, a: workspace.a[l], rows: rows, columns: units)
                    }
                    input = UnsafePointer(workspace.a[l])
                }
            }
        }
    }

    /// Draws the dropout masks of a training batch of `rows` rows (`Dropout.drawMasks`).
    public func drawDropoutMasks<G: RandomNumberGenerator>(rows: Int, workspace: Workspace<T>, using rng: inout G) {
        Dropout.drawMasks(layers, rows: rows, workspace: workspace, using: &rng)
    }

    /// Moves the running statistics towards the batch statistics of the last training pass
    /// in `workspace` (of `rows` rows): PyTorch's momentum update, once per training batch.
    public mutating func updateRunningStatistics(workspace: Workspace<T>, rows: Int) {
        statistics.withUnsafeMutableBufferPointer { sb in
            for (l, layer) in layers.enumerated() where layer.batchNorm {
                let running = sb.baseAddress! + layer.statisticsOffset
                BatchNormalization.updateRunning(mean: workspace.batchMean[l]!, variance: workspace.batchVariance[l]!, rows: rows,
                                                 units: layer.units, runningMean: running, runningVariance: running + layer.units)
            }
        }
    }

    public func forward(_ x: [T], rows: Int, workspace: Workspace<T>) {
        x.withUnsafeBufferPointer { forward($0.baseAddress!, rows: rows, workspace: workspace) }
    }

    /// The loss of the last forward pass against `target`.
    /// target: (rows, outputs) -> scalar
    public func loss(_ loss: Loss, target: UnsafePointer<T>, rows: Int, workspace: Workspace<T>) -> T {
        loss.value(output: workspace.a[layers.count - 1], target: target, rows: rows, columns: outputs)
    }

    /// Backpropagation, after a training-mode `forward` on the same x: the chain rule from
    /// the output back.
    /// x: (rows, inputs), target: (rows, outputs) -> workspace.gradients (parameter layout),
    /// workspace.delta[l] = dL/dz of every layer.
    ///
    /// Output layer: delta = loss.outputDelta (p - y where fused) = dL/dy. Then for each
    /// layer, from the last: with batch normalisation, dL/dz from dL/dy (and dγ, dβ) in
    /// place; dW = a_prevᵀ·delta, db = Σ delta, and the layer below gets
    /// dL/da_prev = delta·Wᵀ, then ⊙ its dropout mask, then ⊙ f'(a_prev) (= dL/dy_prev).
    /// Gradients are overwritten, not accumulated.
    public func backward(_ x: UnsafePointer<T>, target: UnsafePointer<T>, rows: Int, loss: Loss, workspace: Workspace<T>) {
        let last = layers.count - 1
        loss.outputDelta(activation: layers[last].activation, output: workspace.a[last], target: target,
                         into: workspace.delta[last], rows: rows, columns: outputs)
        parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            for l in stride(from: last, through: 0, by: -1) {
                let layer = layers[l]
                if layer.batchNorm {
                    let g = workspace.gradients + layer.scaleOffset
                    BatchNormalization.backward(workspace.delta[l], z: workspace.z[l], rows: rows, units: layer.units,
                                                scale: p + layer.scaleOffset, mean: workspace.batchMean[l]!,
                                                inverseStd: workspace.inverseStd[l]!, scaleGradient: g, shiftGradient: g + layer.units)
                }
                let input = l == 0 ? x : UnsafePointer(workspace.a[l - 1])
                let dx = l == 0 ? nil : workspace.delta[l - 1]
                layer.backward(dz: workspace.delta[l], x: input, batch: rows, parameters: p,
                               gradients: workspace.gradients, dx: dx)
                if let dx {
                    // dx holds dL/da of the layer below; turn it into dL/dy in place.
                    let below = layers[l - 1], count = rows * below.units
                    if below.dropout > 0 {
                        Dropout.apply(workspace.mask[l - 1]!, to: dx, into: dx, count: count)
                        below.activation.backward(da: dx, a: workspace.activated[l - 1]!, dz: dx, rows: rows, columns: below.units)
                    } else {
                        below.activation.backward(da: dx, a: workspace.a[l - 1], dz: dx, rows: rows, columns: below.units)
                    }
                }
            }
        }
    }
}
