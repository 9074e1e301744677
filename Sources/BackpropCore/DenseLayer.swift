/// One layer of a network as the user describes it: how many units, which activation,
/// whether its pre-activations are batch-normalised (`BatchNormalization`) and what fraction
/// of its outputs dropout zeroes in training (`Dropout`).
public struct LayerSpec: Equatable, Sendable {
    public var units: Int
    public var activation: Activation
    public var batchNorm: Bool
    /// In [0, 1); 0 is no dropout.
    public var dropout: Double
    public init(units: Int, activation: Activation, batchNorm: Bool = false, dropout: Double = 0) {
        self.units = units
        self.activation = activation
        self.batchNorm = batchNorm
        self.dropout = dropout
    }
}

/// A fully connected layer: z = x·W + b, a = f(z); with batch normalisation
/// a = f(γ ⊙ ẑ + β), ẑ = z normalised (`BatchNormalization`); with dropout, a is then
/// masked in training (`Dropout`).
///
/// The layer owns no memory: its weights W (inputs x units, row-major) and biases b (units)
/// live in the network's flat parameter block at `weightOffset` and `biasOffset`, then (with
/// batch normalisation) its scale γ and shift β (units each) at `scaleOffset` and
/// `scaleOffset + units`, and its gradients at the same offsets of a gradient block of the
/// same layout. One flat block makes every optimizer a single loop over all parameters.
/// Batch normalisation's running mean and variance are not parameters (no gradient, no
/// optimizer): they live in the network's `statistics` at `statisticsOffset`.
public struct DenseLayer: Equatable, Sendable {
    public let inputs: Int
    public let units: Int
    public let activation: Activation
    public let weightOffset: Int
    public let biasOffset: Int
    public let batchNorm: Bool
    public let dropout: Double
    /// γ's offset (β follows it); meaningful with batch normalisation only.
    public let scaleOffset: Int
    /// The running mean's offset in the network's statistics (the variance follows it).
    public let statisticsOffset: Int

    public init(inputs: Int, units: Int, activation: Activation, weightOffset: Int, biasOffset: Int,
                batchNorm: Bool = false, dropout: Double = 0, statisticsOffset: Int = 0) {
        self.inputs = inputs
        self.units = units
        self.activation = activation
        self.weightOffset = weightOffset
        self.biasOffset = biasOffset
        self.batchNorm = batchNorm
        self.dropout = dropout
        self.scaleOffset = biasOffset + units
        self.statisticsOffset = statisticsOffset
    }

    /// W and b, then γ and β with batch normalisation.
    public var parameterCount: Int { inputs * units + units + (batchNorm ? 2 * units : 0) }
    /// Running mean and variance with batch normalisation; none without.
    public var statisticsCount: Int { batchNorm ? 2 * units : 0 }
    /// Where the layer's parameters end in the block.
    public var endOffset: Int { weightOffset + parameterCount }
    /// Whether training and evaluation differ (batch statistics, dropout masks).
    public var trainsDifferently: Bool { batchNorm || dropout > 0 }

    /// x: (batch, inputs) -> z: (batch, units)
    /// z = x·W + b (gemm): the pre-activation, before batch normalisation if any.
    public func affine<T: Scalar>(x: UnsafePointer<T>, batch: Int, parameters: UnsafePointer<T>, z: UnsafeMutablePointer<T>) {
        let w = parameters + weightOffset, b = parameters + biasOffset
        // A plain loop rather than a memmove per row: rows are short, and calls cost more.
        for r in 0..<batch {
            let row = z + r * units
            for j in 0..<units { row[j] = b[j] }
        }
        T.gemm(transA: false, transB: false, m: batch, n: units, k: inputs,
               alpha: 1, a: x, lda: inputs, b: w, ldb: units, beta: 1, c: z, ldc: units)
    }

    /// The backward pass, given dz = dL/dz.
    /// dz: (batch, units), x: (batch, inputs) -> dW: (inputs, units), db: (units), dx: (batch, inputs)
    ///
    /// dW = xᵀ·dz, db = Σ_rows dz, dx = dz·Wᵀ. The gradients **overwrite** what is at this
    /// layer's offsets in `gradients`; they do not accumulate. `dx` is skipped when nil
    /// (the first layer has no upstream to inform).
    public func backward<T: Scalar>(dz: UnsafePointer<T>, x: UnsafePointer<T>, batch: Int,
                                    parameters: UnsafePointer<T>, gradients: UnsafeMutablePointer<T>,
                                    dx: UnsafeMutablePointer<T>?) {
        let dW = gradients + weightOffset, db = gradients + biasOffset
        T.gemm(transA: true, transB: false, m: inputs, n: units, k: batch,
               alpha: 1, a: x, lda: inputs, b: dz, ldb: units, beta: 0, c: dW, ldc: units)
        for j in 0..<units { db[j] = dz[j] }
        for r in 1..<max(batch, 1) {
            let row = dz + r * units
            for j in 0..<units { db[j] += row[j] }
        }
        if let dx {
            T.gemm(transA: false, transB: true, m: batch, n: inputs, k: units,
                   alpha: 1, a: dz, lda: units, b: parameters + weightOffset, ldb: units, beta: 0, c: dx, ldc: inputs)
        }
    }
}
