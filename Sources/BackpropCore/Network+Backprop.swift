/// The forward and backward passes of a whole network, layer by layer, in a workspace.
extension Network {
    /// x: (rows, inputs) -> workspace.a[last]: (rows, outputs); also fills z[l] and a[l] of every layer.
    public func forward(_ x: UnsafePointer<T>, rows: Int, workspace: Workspace<T>) {
        precondition(rows <= workspace.capacity, "batch of \(rows) rows in a workspace of \(workspace.capacity)")
        parameters.withUnsafeBufferPointer { p in
            var input = x
            for (l, layer) in layers.enumerated() {
                layer.forward(x: input, batch: rows, parameters: p.baseAddress!, z: workspace.z[l], a: workspace.a[l])
                input = UnsafePointer(workspace.a[l])
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

    /// Backpropagation, after `forward` on the same x: the chain rule from the output back.
    /// x: (rows, inputs), target: (rows, outputs) -> workspace.gradients (parameter layout),
    /// workspace.delta[l] = dL/dz of every layer.
    ///
    /// Output layer: delta = loss.outputDelta (p - y where fused). Then for each layer, from
    /// the last: dW = a_prevᵀ·delta, db = Σ delta, and the layer below gets
    /// delta_prev = (delta·Wᵀ) ⊙ f'(a_prev). Gradients are overwritten, not accumulated.
    public func backward(_ x: UnsafePointer<T>, target: UnsafePointer<T>, rows: Int, loss: Loss, workspace: Workspace<T>) {
        let last = layers.count - 1
        loss.outputDelta(activation: layers[last].activation, output: workspace.a[last], target: target,
                         into: workspace.delta[last], rows: rows, columns: outputs)
        parameters.withUnsafeBufferPointer { p in
            for l in stride(from: last, through: 0, by: -1) {
                let layer = layers[l]
                let input = l == 0 ? x : UnsafePointer(workspace.a[l - 1])
                let dx = l == 0 ? nil : workspace.delta[l - 1]
                layer.backward(dz: workspace.delta[l], x: input, batch: rows, parameters: p.baseAddress!,
                               gradients: workspace.gradients, dx: dx)
                if let dx {
                    // dx holds dL/da of the layer below; turn it into dL/dz in place.
                    layers[l - 1].activation.backward(da: dx, a: workspace.a[l - 1], dz: dx, rows: rows, columns: layers[l - 1].units)
                }
            }
        }
    }
}
