/// Batch normalisation of a layer's pre-activations (Ioffe & Szegedy, 2015), as PyTorch's
/// BatchNorm1d computes it (its CPU kernels, `aten/src/ATen/native/Normalization.cpp`):
///
///     training:   μ = Σ_r z / m,   σ² = Σ_r (z - μ)² / m,   s = 1 / √(σ² + ε)
///                 y = z · (γ s) + (β - μ γ s)
///                 running_μ <- 0.1 μ + 0.9 running_μ
///                 running_σ² <- 0.1 · Σ_r (z - μ)² / (m - 1) + 0.9 running_σ²   (unbiased)
///     evaluation: s = 1 / √(running_σ² + ε), y = z · (γ s) + (β - running_μ γ s)
///
/// per column (unit), over the m rows of the batch; ε = 1e-5, momentum 0.1. The backward
/// pass, given dy = dL/dy:
///
///     dβ = Σ_r dy,   dγ = Σ_r (z - μ) dy · s
///     dz = (dy - dβ/m - (z - μ) · (Σ_r (z - μ) dy) s² / m) · s γ
///
/// A batch of one row has no variance (PyTorch refuses it in training; the spec check does).
public enum BatchNormalization {
    public static let epsilon = 1e-5
    public static let momentum = 0.1

    /// Training: z (rows, units) -> y (rows, units); the batch's mean, biased variance and
    /// 1/√(σ² + ε) into `mean`, `variance`, `inverseStd` (units each).
    static func forwardTraining<T: Scalar>(z: UnsafePointer<T>, rows: Int, units: Int, scale: UnsafePointer<T>, shift: UnsafePointer<T>,
                                           y: UnsafeMutablePointer<T>, mean: UnsafeMutablePointer<T>,
                                           variance: UnsafeMutablePointer<T>, inverseStd: UnsafeMutablePointer<T>) {
        let m = T(rows), eps = T(epsilon)
        for j in 0..<units {
            var sum: T = 0
            for r in 0..<rows { sum += z[r * units + j] }
            let mu = sum / m
            var squares: T = 0
            for r in 0..<rows { let d = z[r * units + j] - mu; squares += d * d }
            mean[j] = mu
            variance[j] = squares / m
            inverseStd[j] = 1 / (squares / m + eps).squareRoot()
        }
        transform(z: z, rows: rows, units: units, scale: scale, shift: shift, mean: mean, inverseStd: inverseStd, y: y)
    }

    /// Evaluation with the running statistics: z (rows, units) -> y (rows, units).
    static func forwardEvaluation<T: Scalar>(z: UnsafePointer<T>, rows: Int, units: Int, scale: UnsafePointer<T>, shift: UnsafePointer<T>,
                                             runningMean: UnsafePointer<T>, runningVariance: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let eps = T(epsilon)
        for j in 0..<units {
            let s = 1 / (runningVariance[j] + eps).squareRoot()
            let alpha = scale[j] * s, beta = shift[j] - runningMean[j] * alpha
            for r in 0..<rows { y[r * units + j] = z[r * units + j] * alpha + beta }
        }
    }

    /// y = z · (γ s) + (β - μ γ s), column by column.
    private static func transform<T: Scalar>(z: UnsafePointer<T>, rows: Int, units: Int, scale: UnsafePointer<T>, shift: UnsafePointer<T>,
                                             mean: UnsafePointer<T>, inverseStd: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        for j in 0..<units {
            let alpha = inverseStd[j] * scale[j], beta = shift[j] - mean[j] * alpha
            for r in 0..<rows { y[r * units + j] = z[r * units + j] * alpha + beta }
        }
    }

    /// The running statistics after a training batch of `rows` rows (at least 2).
    static func updateRunning<T: Scalar>(mean batchMean: UnsafePointer<T>, variance batchVariance: UnsafePointer<T>, rows: Int, units: Int,
                                         runningMean: UnsafeMutablePointer<T>, runningVariance: UnsafeMutablePointer<T>) {
        let momentum = T(Self.momentum), keep = 1 - T(Self.momentum)
        let unbias = T(rows) / T(rows - 1)
        for j in 0..<units {
            runningMean[j] = momentum * batchMean[j] + keep * runningMean[j]
            runningVariance[j] = momentum * (batchVariance[j] * unbias) + keep * runningVariance[j]
        }
    }

    /// The backward pass, in place: d holds dy = dL/dy (rows, units) and becomes dz = dL/dz;
    /// dγ and dβ (units each) are written to `scaleGradient` and `shiftGradient`.
    static func backward<T: Scalar>(_ d: UnsafeMutablePointer<T>, z: UnsafePointer<T>, rows: Int, units: Int, scale: UnsafePointer<T>,
                                    mean: UnsafePointer<T>, inverseStd: UnsafePointer<T>,
                                    scaleGradient: UnsafeMutablePointer<T>, shiftGradient: UnsafeMutablePointer<T>) {
        let m = T(rows)
        for j in 0..<units {
            let mu = mean[j], s = inverseStd[j]
            var sum: T = 0, dot: T = 0
            for r in 0..<rows {
                let dy = d[r * units + j]
                sum += dy
                dot += (z[r * units + j] - mu) * dy
            }
            let k = dot * s * s / m, gradMean = sum / m, w = s * scale[j]
            for r in 0..<rows {
                let i = r * units + j
                d[i] = (d[i] - gradMean - (z[i] - mu) * k) * w
            }
            scaleGradient[j] = dot * s
            shiftGradient[j] = sum
        }
    }
}
