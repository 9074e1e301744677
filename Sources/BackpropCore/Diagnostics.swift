/// Per-epoch numbers that explain why a run failed: vanishing gradients in deep sigmoid
/// stacks, exploding ones at a large learning rate, ReLU units that died. Switched on by
/// `TrainingConfiguration.diagnostics`; they cost one pass over the gradients per batch and
/// one over each ReLU layer's activations.
public struct Diagnostics: Equatable, Sendable {
    /// Per layer: the root mean square, over the epoch's batches, of the L2 norm of the
    /// layer's gradient (weights and biases, weight decay included: the step taken).
    /// nil for epoch 0, which takes no step.
    public var gradientNorms: [Double]?
    /// Per layer: the Frobenius norm of W after the epoch.
    public var weightNorms: [Double]
    /// Per layer: for ReLU layers, the fraction of units whose output was 0 on every
    /// training row the epoch's forward passes saw (every row, once per epoch); nil for the
    /// other layers, and for epoch 0.
    public var deadFractions: [Double?]?

    public init(gradientNorms: [Double]?, weightNorms: [Double], deadFractions: [Double?]?) {
        self.gradientNorms = gradientNorms
        self.weightNorms = weightNorms
        self.deadFractions = deadFractions
    }
}

/// Accumulates an epoch's diagnostics, in buffers allocated once per run.
final class DiagnosticsTracker<T: Scalar> {
    let layers: [DenseLayer]
    private var squaredNorms: [Double]
    private var batches = 0
    /// Per ReLU layer, whether each unit has been positive on some row this epoch.
    private var alive: [[Bool]]

    init(network: Network<T>) {
        layers = network.layers
        squaredNorms = Array(repeating: 0, count: layers.count)
        alive = layers.map { Array(repeating: false, count: $0.activation == .relu ? $0.units : 0) }
    }

    func startEpoch() {
        for l in squaredNorms.indices { squaredNorms[l] = 0 }
        for l in alive.indices { for j in alive[l].indices { alive[l][j] = false } }
        batches = 0
    }

    /// After a forward pass of `rows` rows.
    func observeForward(_ workspace: Workspace<T>, rows: Int) {
        for (l, layer) in layers.enumerated() where layer.activation == .relu {
            let a = workspace.activated[l] ?? workspace.a[l], units = layer.units  // before dropout's mask
            alive[l].withUnsafeMutableBufferPointer { flags in
                for r in 0..<rows {
                    let row = a + r * units
                    for j in 0..<units where row[j] > 0 { flags[j] = true }
                }
            }
        }
    }

    /// After the gradients of a batch are final (weight decay included).
    func observeGradients(_ gradients: UnsafePointer<T>) {
        for (l, layer) in layers.enumerated() {
            var sum = 0.0
            for i in layer.weightOffset..<layer.endOffset { let g = Double(gradients[i]); sum += g * g }
            squaredNorms[l] += sum
        }
        batches += 1
    }

    /// The epoch's record; `trained` is false for epoch 0.
    func record(_ network: Network<T>, trained: Bool) -> Diagnostics {
        let weightNorms = layers.map { layer in
            network.parameters[layer.weightOffset..<layer.biasOffset].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        }
        guard trained, batches > 0 else { return Diagnostics(gradientNorms: nil, weightNorms: weightNorms, deadFractions: nil) }
        return Diagnostics(
            gradientNorms: squaredNorms.map { ($0 / Double(batches)).squareRoot() },
            weightNorms: weightNorms,
            deadFractions: layers.indices.map { l in
                layers[l].activation == .relu ? Double(alive[l].filter { !$0 }.count) / Double(layers[l].units) : nil
            })
    }
}
