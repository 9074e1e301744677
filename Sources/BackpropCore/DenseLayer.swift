/// One layer of a network as the user describes it: how many units, which activation.
public struct LayerSpec: Equatable, Sendable {
    public var units: Int
    public var activation: Activation
    public init(units: Int, activation: Activation) {
        self.units = units
        self.activation = activation
    }
}

/// A fully connected layer: z = x·W + b, a = f(z).
///
/// The layer owns no memory: its weights W (inputs x units, row-major) and biases b (units)
/// live in the network's flat parameter block at `weightOffset` and `biasOffset`, and its
/// gradients at the same offsets of a gradient block of the same layout. One flat block
/// makes every optimizer a single loop over all parameters.
public struct DenseLayer: Equatable, Sendable {
    public let inputs: Int
    public let units: Int
    public let activation: Activation
    public let weightOffset: Int
    public let biasOffset: Int

    public var parameterCount: Int { inputs * units + units }

    /// x: (batch, inputs) -> z: (batch, units), a: (batch, units)
    /// z = x·W + b (gemm), then a = f(z).
    public func forward<T: Scalar>(x: UnsafePointer<T>, batch: Int, parameters: UnsafePointer<T>,
                                   z: UnsafeMutablePointer<T>, a: UnsafeMutablePointer<T>) {
        let w = parameters + weightOffset, b = parameters + biasOffset
        // A plain loop rather than a memmove per row: rows are short, and calls cost more.
        for r in 0..<batch {
            let row = z + r * units
            for j in 0..<units { row[j] = b[j] }
        }
        T.gemm(transA: false, transB: false, m: batch, n: units, k: inputs,
               alpha: 1, a: x, lda: inputs, b: w, ldb: units, beta: 1, c: z, ldc: units)
        activation.forward(z: z, a: a, rows: batch, columns: units)
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
