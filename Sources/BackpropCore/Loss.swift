import RealModule

/// The loss functions, each value with its gradient beside it.
///
/// `output` is the network's output a (after the output activation), `target` the
/// targets, both (rows, columns): n = rows samples of k = columns outputs. Means are
/// taken over the batch, so a mini-batch gradient estimates the full-batch one.
public enum Loss: String, CaseIterable, Sendable {
    /// L = 1/(n·k) Σ (a - t)²            dL/da = 2 (a - t) / (n·k)
    case mse
    /// L = ½ Σ (a - t)²                   dL/da = a - t  (the classic update of seed 000)
    case sse
    /// L = -1/(n·k) Σ [t log a + (1 - t) log(1 - a)]
    ///                                    dL/da = (a - t) / (a (1 - a)) / (n·k)
    case binaryCrossEntropy = "binary_cross_entropy"
    /// Softmax output with categorical cross-entropy, targets one-hot rows.
    /// L = -1/n Σ t log a                 dL/da = -t / a / n
    case crossEntropy = "cross_entropy"

    /// Probabilities are clamped to [ε, 1 - ε] inside logarithms, so that a saturated
    /// output gives a large finite loss rather than infinity (scikit-learn does the same).
    static func clamp<T: Scalar>(_ p: T) -> T { Swift.min(Swift.max(p, T.ulpOfOne), 1 - T.ulpOfOne) }

    /// The loss of the whole batch.
    /// output, target: (rows, columns) -> scalar
    public func value<T: Scalar>(output a: UnsafePointer<T>, target t: UnsafePointer<T>, rows: Int, columns: Int) -> T {
        let count = rows * columns
        var sum: T = 0
        switch self {
        case .mse, .sse:
            for i in 0..<count { let e = a[i] - t[i]; sum += e * e }
            return self == .mse ? sum / T(count) : sum / 2
        case .binaryCrossEntropy:
            for i in 0..<count {
                let p = Self.clamp(a[i])
                sum -= t[i] * T.log(p) + (1 - t[i]) * T.log(1 - p)
            }
            return sum / T(count)
        case .crossEntropy:
            for i in 0..<count where t[i] != 0 { sum -= t[i] * T.log(Self.clamp(a[i])) }
            return sum / T(rows)
        }
    }

    /// dL/da.
    /// output, target: (rows, columns) -> da: (rows, columns)
    public func gradient<T: Scalar>(output a: UnsafePointer<T>, target t: UnsafePointer<T>, into da: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
        let count = rows * columns
        switch self {
        case .mse:
            let scale = 2 / T(count)
            for i in 0..<count { da[i] = scale * (a[i] - t[i]) }
        case .sse:
            for i in 0..<count { da[i] = a[i] - t[i] }
        case .binaryCrossEntropy:
            let scale = 1 / T(count)
            for i in 0..<count { let p = Self.clamp(a[i]); da[i] = scale * (p - t[i]) / (p * (1 - p)) }
        case .crossEntropy:
            let scale = 1 / T(rows)
            for i in 0..<count { da[i] = -scale * t[i] / Self.clamp(a[i]) }
        }
    }

    /// Whether dL/dz at the output has the fused form (a - t) / N for this output activation.
    /// Softmax with cross-entropy and sigmoid with binary cross-entropy both collapse the
    /// chain rule dL/da · da/dz to `p - y` (scaled by the mean), which is exact and avoids
    /// dividing by p(1 - p).
    public func isFused(with activation: Activation) -> Bool {
        (self == .crossEntropy && activation == .softmax) || (self == .binaryCrossEntropy && activation == .sigmoid)
    }

    /// dL/dz at the output layer: the fused `p - y` where it applies, else the chain rule
    /// dL/da ⊙ f'(a) through the activation.
    /// output, target: (rows, columns) -> dz: (rows, columns)
    public func outputDelta<T: Scalar>(activation: Activation, output a: UnsafePointer<T>, target t: UnsafePointer<T>,
                                       into dz: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
        if isFused(with: activation) {
            // dL/dz = (p - y) / N, N = n for cross-entropy, n·k for binary cross-entropy.
            let scale = 1 / T(self == .crossEntropy ? rows : rows * columns)
            for i in 0..<(rows * columns) { dz[i] = scale * (a[i] - t[i]) }
        } else {
            gradient(output: a, target: t, into: dz, rows: rows, columns: columns)
            activation.backward(da: dz, a: a, dz: dz, rows: rows, columns: columns)
        }
    }
}
