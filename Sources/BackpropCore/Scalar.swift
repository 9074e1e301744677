import CBLAS
import RealModule

/// A floating-point type the engine can train in: `Double` (the default, for exact
/// reproduction of the worked examples) or `Float` (half the memory, twice the BLAS speed).
///
/// `Real` (swift-numerics) gives `exp`, `log`, `tanh` generically over both types;
/// `gemm` dispatches to OpenBLAS's `cblas_dgemm` or `cblas_sgemm`.
public protocol Scalar: Real, BinaryFloatingPoint, Codable, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C`, with `op(A)` of shape (m, k)
    /// and `op(B)` of shape (k, n). `lda`, `ldb`, `ldc` are the row strides as stored.
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    )
    /// The name used in specs and logs: "float64" or "float32".
    static var precisionName: String { get }
}

@inline(__always)
private func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Double: Scalar {
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    public static var precisionName: String { "float64" }
}

extension Float: Scalar {
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    public static var precisionName: String { "float32" }
}

/// BLAS threading. Parallelism in backprop comes from running configurations side by
/// side, so OpenBLAS is kept at one thread: more threads per run only oversubscribe the cores.
public enum BLAS {
    public static func useSingleThread() { openblas_set_num_threads(1) }
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
