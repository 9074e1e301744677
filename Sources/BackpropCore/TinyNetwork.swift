/// The full-batch step of a network whose every product is a handful of numbers (XOR's
/// 2-2-1: products of 16 and 8 multiply-adds), as one function over raw pointers.
///
/// For such a network the general path's arithmetic is a few dozen operations, and what
/// costs is around it: the layer array, the workspace's pointer arrays, the parameter
/// block's accessors, a call per layer and per product (reference counting and exclusivity
/// checks at each). Here every pointer and shape is resolved once, when the loop starts, into
/// a plain table, and an epoch's backward pass, update and forward pass run through it;
/// layers of at most 4 inputs and 4 units get their loops unrolled, over all the rows when
/// there are 4 (`withShape`).
///
/// The arithmetic is the general path's, operation for operation and in the same order, so
/// the numbers are the same bit for bit (`TinyNetworkTests` trains every activation, loss,
/// optimizer and weight decay both ways): z = (Σ_k x·W) + b summed in k order, as
/// `Scalar.loopGemm` sums; dW = Σ_rows xᵀ·δ in row order; db = δ's rows added in order;
/// δ_prev = (δ·Wᵀ) ⊙ f'(a) through `Activation.backward`; the output delta from
/// `Loss.outputDelta`; the update through the optimizer, weight decay folded into it
/// (`FoldedDecay`, bit for bit `addWeightDecay` then the step).
/// It works in the workspace's own buffers, so the workspace ends as the general path
/// leaves it.
final class TinyNetwork<T: Scalar> {
    struct Layer {
        let inputs: Int
        let units: Int
        let activation: Activation
        /// Offsets of W and b in the parameter block (and the gradient block).
        let weights: Int
        let biases: Int
        /// The workspace's z, a and δ of this layer.
        let z: UnsafeMutablePointer<T>
        let a: UnsafeMutablePointer<T>
        let delta: UnsafeMutablePointer<T>
    }

    let layers: UnsafeMutableBufferPointer<Layer>
    let rows: Int
    let gradients: UnsafeMutablePointer<T>
    /// The output layer's activations, (rows, outputs), after `forward`.
    let output: UnsafeMutablePointer<T>
    let parameterCount: Int
    /// Weight decay, made once for the run (the batch is always the `rows` rows); nil without.
    let decay: FoldedDecay<T>?

    /// Whether `network` trained on batches of `rows` rows qualifies: every product of its
    /// forward and backward passes is one `Scalar.gemm` would run as a loop (at most
    /// `smallGemmLimit` multiply-adds), so the general path does the same arithmetic in loops.
    static func qualifies(_ network: Network<T>, rows: Int) -> Bool {
        network.layers.allSatisfy { layer in
            let (size, overflow) = layer.inputs.multipliedReportingOverflow(by: layer.units)
            let (product, overflow2) = rows.multipliedReportingOverflow(by: size)
            return !overflow && !overflow2 && product <= T.smallGemmLimit
        }
    }

    init(network: Network<T>, rows: Int, weightDecay: T, workspace: Workspace<T>) {
        precondition(rows <= workspace.capacity)
        self.rows = rows
        gradients = workspace.gradients
        output = workspace.a[network.layers.count - 1]
        parameterCount = network.parameters.count
        decay = weightDecay != 0 ? FoldedDecay(lambda: weightDecay, rows: rows, layers: network.layers) : nil
        layers = .allocate(capacity: network.layers.count)
        for (l, layer) in network.layers.enumerated() {
            (layers.baseAddress! + l).initialize(to: Layer(
                inputs: layer.inputs, units: layer.units, activation: layer.activation,
                weights: layer.weightOffset, biases: layer.biasOffset,
                z: workspace.z[l], a: workspace.a[l], delta: workspace.delta[l]))
        }
    }

    deinit { layers.deallocate() }

    /// x: (rows, inputs) -> every layer's z and a; the last a is the output.
    @inline(__always)
    func forward(_ x: UnsafePointer<T>, parameters p: UnsafePointer<T>) {
        var input = x
        for l in 0..<layers.count {
            let layer = layers[l]
            let w = p + layer.weights, b = p + layer.biases, z = layer.z
            Self.withShape(layer, rows: rows) { rows, k, n in
                // z = (x·W) + b, each element summed in k order.
                for r in 0..<rows {
                    let xr = input + r &* k, zr = z + r &* n
                    for j in 0..<n {
                        var sum: T = 0
                        for i in 0..<k { sum += xr[i] * w[i &* n &+ j] }
                        zr[j] = sum + b[j]
                    }
                }
            }
            layer.activation.forward(z: layer.z, a: layer.a, rows: rows, columns: layer.units)
            input = UnsafePointer(layer.a)
        }
    }

    /// After `forward` on the same x: the gradients of `loss` in the parameter layout.
    @inline(__always)
    func backward(_ x: UnsafePointer<T>, target: UnsafePointer<T>, parameters p: UnsafePointer<T>, loss: Loss) {
        let rows = rows, g = gradients, last = layers.count - 1
        let top = layers[last]
        loss.outputDelta(activation: top.activation, output: top.a, target: target, into: top.delta, rows: rows, columns: top.units)
        for l in stride(from: last, through: 0, by: -1) {
            let layer = layers[l]
            let input = l == 0 ? x : UnsafePointer(layers[l - 1].a)
            let dz = layer.delta, dW = g + layer.weights, db = g + layer.biases, w = p + layer.weights
            let dx: UnsafeMutablePointer<T>? = l > 0 ? layers[l - 1].delta : nil
            Self.withShape(layer, rows: rows) { rows, k, n in
                // dW = inputᵀ·δ, each element summed over the rows in order.
                for i in 0..<k {
                    for j in 0..<n {
                        var sum: T = 0
                        for r in 0..<rows { sum += input[r &* k &+ i] * dz[r &* n &+ j] }
                        dW[i &* n &+ j] = sum
                    }
                }
                // db = Σ_rows δ.
                for j in 0..<n { db[j] = dz[j] }
                for r in 1..<max(rows, 1) {
                    for j in 0..<n { db[j] += dz[r &* n &+ j] }
                }
                // dL/da of the layer below = δ·Wᵀ, each element summed in n order.
                if let dx {
                    for r in 0..<rows {
                        for i in 0..<k {
                            var sum: T = 0
                            for j in 0..<n { sum += dz[r &* n &+ j] * w[i &* n &+ j] }
                            dx[r &* k &+ i] = sum
                        }
                    }
                }
            }
            if let dx {
                // δ_prev = dL/da ⊙ f'(a_prev).
                let below = layers[l - 1]
                below.activation.backward(da: dx, a: below.a, dz: dx, rows: rows, columns: below.units)
            }
        }
    }

    /// One update: `backward` (after `forward` on the same x), then the optimizer's step with
    /// weight decay folded into it, as `Network.trainingStep` makes it when it folds decay.
    @inline(__always)
    func step(_ x: UnsafePointer<T>, target: UnsafePointer<T>, parameters p: UnsafeMutablePointer<T>, loss: Loss,
              optimizer: AnyOptimizer<T>, learningRate: Double) {
        backward(x, target: target, parameters: p, loss: loss)
        optimizer.step(parameters: p, gradients: gradients, count: parameterCount, learningRate: learningRate, decay: decay)
    }

    /// Runs `body(rows, inputs, units)` as `withShape(_:_:)` does, with the rows a constant
    /// too when they are 4 (the truth table of two inputs: XOR, AND, OR), so that whole
    /// products unroll into straight-line code. Other row counts run with a variable: each
    /// constant doubles the code of these loops.
    @inline(__always)
    static func withShape(_ layer: Layer, rows: Int, _ body: (_ rows: Int, _ inputs: Int, _ units: Int) -> Void) {
        if rows == 4 {
            withShape(layer) { body(4, $0, $1) }
        } else {
            withShape(layer) { body(rows, $0, $1) }
        }
    }

    /// Runs `body(inputs, units)` with the layer's shape as constants when both are at most 4,
    /// so that the compiler unrolls the loops over them: at these sizes a loop's own control
    /// costs more than its arithmetic. Larger shapes run the same body with variables.
    @inline(__always)
    static func withShape(_ layer: Layer, _ body: (_ inputs: Int, _ units: Int) -> Void) {
        switch (layer.inputs, layer.units) {
        case (1, 1): body(1, 1)
        case (1, 2): body(1, 2)
        case (1, 3): body(1, 3)
        case (1, 4): body(1, 4)
        case (2, 1): body(2, 1)
        case (2, 2): body(2, 2)
        case (2, 3): body(2, 3)
        case (2, 4): body(2, 4)
        case (3, 1): body(3, 1)
        case (3, 2): body(3, 2)
        case (3, 3): body(3, 3)
        case (3, 4): body(3, 4)
        case (4, 1): body(4, 1)
        case (4, 2): body(4, 2)
        case (4, 3): body(4, 3)
        case (4, 4): body(4, 4)
        default: body(layer.inputs, layer.units)
        }
    }
}
