import RealModule

/// The activation functions, each with its derivative beside it.
///
/// Every derivative is written in terms of the activation's *output* `a = f(z)`, which
/// the forward pass keeps: sigmoid' = a(1 - a), tanh' = 1 - a², and so on. This is the
/// convention of both worked examples (`sigmoid_derivative(x) = x * (1 - x)` takes the
/// sigmoid's output).
public enum Activation: String, CaseIterable, Sendable {
    case sigmoid
    case tanh
    case relu
    case leakyReLU = "leaky_relu"
    case linear
    /// Output layer only: normalises each row into probabilities.
    case softmax

    /// The slope of leaky ReLU for negative inputs (PyTorch's and Keras's default).
    public static let leakySlope = 0.01

    /// f(z), element by element. Softmax is not elementwise: see `forward`.
    public func apply<T: Scalar>(_ z: T) -> T {
        switch self {
        case .sigmoid: return 1 / (1 + T.exp(-z))             // σ(z) = 1 / (1 + e^-z)
        case .tanh: return T.tanh(z)
        case .relu: return z > 0 ? z : 0                       // max(0, z)
        case .leakyReLU: return z > 0 ? z : T(Self.leakySlope) * z
        case .linear: return z
        case .softmax: preconditionFailure("softmax is applied row by row, in forward(z:a:rows:columns:)")
        }
    }

    /// f'(z) written in terms of the output a = f(z), element by element.
    /// Softmax's derivative is a Jacobian, not a number: see `backward`.
    public func derivative<T: Scalar>(output a: T) -> T {
        switch self {
        case .sigmoid: return a * (1 - a)                      // σ' = σ(1 - σ)
        case .tanh: return 1 - a * a                           // tanh' = 1 - tanh²
        case .relu: return a > 0 ? 1 : 0                       // the subgradient 0 at z = 0
        case .leakyReLU: return a > 0 ? 1 : T(Self.leakySlope) // a > 0 exactly when z > 0
        case .linear: return 1
        case .softmax: preconditionFailure("softmax's derivative is applied row by row, in backward")
        }
    }

    /// a = f(z).
    /// z: (rows, columns) -> a: (rows, columns). `a` may be the same memory as `z`.
    public func forward<T: Scalar>(z: UnsafePointer<T>, a: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
        let count = rows * columns
        switch self {
        case .softmax:
            // softmax(z)_j = e^(z_j - max z) / Σ_k e^(z_k - max z); the shift by the row's
            // maximum changes nothing mathematically and keeps e^x from overflowing.
            for r in 0..<rows {
                let zr = z + r * columns, ar = a + r * columns
                var maximum = zr[0]
                for j in 1..<columns where zr[j] > maximum { maximum = zr[j] }
                var sum: T = 0
                for j in 0..<columns { let e = T.exp(zr[j] - maximum); ar[j] = e; sum += e }
                for j in 0..<columns { ar[j] /= sum }
            }
        case .linear:
            if UnsafePointer(a) != z { a.update(from: z, count: count) }
        case .sigmoid:
            // apply(z) in two passes, the same arithmetic: the exponentials, then the
            // divisions, which then pipeline instead of each waiting on its exp.
            for i in 0..<count { a[i] = T.exp(-z[i]) }
            for i in 0..<count { a[i] = 1 / (1 + a[i]) }
        case .relu:
            for i in 0..<count { a[i] = z[i] > 0 ? z[i] : 0 }
        default:
            for i in 0..<count { a[i] = apply(z[i]) }
        }
    }

    /// dL/dz from dL/da and the outputs a.
    /// da: (rows, columns), a: (rows, columns) -> dz: (rows, columns). `dz` may be the same memory as `da`.
    ///
    /// Elementwise: dz = da ⊙ f'(a). Softmax: dz_j = a_j (da_j - Σ_k da_k a_k), the
    /// Jacobian-vector product. (With cross-entropy the loss supplies dz = p - y directly:
    /// see `Loss.outputDelta`.)
    public func backward<T: Scalar>(da: UnsafePointer<T>, a: UnsafePointer<T>, dz: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
        switch self {
        case .softmax:
            for r in 0..<rows {
                let dar = da + r * columns, ar = a + r * columns, dzr = dz + r * columns
                var dot: T = 0
                for j in 0..<columns { dot += dar[j] * ar[j] }
                for j in 0..<columns { dzr[j] = ar[j] * (dar[j] - dot) }
            }
        case .sigmoid:
            for i in 0..<(rows * columns) { dz[i] = da[i] * (a[i] * (1 - a[i])) }
        case .relu:
            // Eight at a time, without a branch (`Scalar.reluBackward`): a plain loop cannot be
            // vectorised (dz may be da's memory), and its branch mispredicts on half the units.
            let count = rows * columns
            var i = 0
            while i + 8 <= count {
                let ai = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<T>.self)
                let dai = UnsafeRawPointer(da + i).loadUnaligned(as: SIMD8<T>.self)
                UnsafeMutableRawPointer(dz + i).storeBytes(of: T.reluBackward(a: ai, da: dai), as: SIMD8<T>.self)
                i += 8
            }
            while i < count { dz[i] = a[i] > 0 ? da[i] : 0; i += 1 }
        default:
            for i in 0..<(rows * columns) { dz[i] = da[i] * derivative(output: a[i]) }
        }
    }
}
