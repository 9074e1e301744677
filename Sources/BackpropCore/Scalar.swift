import CBLAS
import CVectorMath
import RealModule

/// A floating-point type the engine can train in: `Double` (the default, for exact
/// reproduction of the worked examples) or `Float` (half the memory, twice the BLAS speed).
///
/// `Real` (swift-numerics) gives `exp`, `log`, `tanh` generically over both types;
/// `gemm` dispatches to OpenBLAS's `cblas_dgemm` or `cblas_sgemm`.
public protocol Scalar: Real, BinaryFloatingPoint, SIMDScalar, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// OpenBLAS's gemm (`cblas_dgemm` or `cblas_sgemm`); call `gemm`, which picks it or a loop.
    static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    )
    /// Each lane's square root, in one vector instruction: the same numbers as
    /// `squareRoot()` lane by lane (IEEE, correctly rounded), which Swift compiles on Linux as
    /// eight calls' worth of scalar code (see vector_math.h).
    static func squareRoot(_ lanes: SIMD8<Self>) -> SIMD8<Self>
    /// ReLU's backward step on eight lanes, `a > 0 ? da : 0` each, without a branch (see
    /// vector_math.h).
    static func reluBackward(a: SIMD8<Self>, da: SIMD8<Self>) -> SIMD8<Self>
}

@inline(__always)
private func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Double: Scalar {
    @inline(__always)
    public static func squareRoot(_ lanes: SIMD8<Double>) -> SIMD8<Double> { backprop_sqrt_double8(lanes) }
    @inline(__always)
    public static func reluBackward(a: SIMD8<Double>, da: SIMD8<Double>) -> SIMD8<Double> { backprop_relu_backward_double8(a, da) }

    public static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
}

extension Float: Scalar {
    @inline(__always)
    public static func squareRoot(_ lanes: SIMD8<Float>) -> SIMD8<Float> { backprop_sqrt_float8(lanes) }
    @inline(__always)
    public static func reluBackward(a: SIMD8<Float>, da: SIMD8<Float>) -> SIMD8<Float> { backprop_relu_backward_float8(a, da) }

    public static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
}

extension Scalar {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C`, with `op(A)` of shape (m, k)
    /// and `op(B)` of shape (k, n). `lda`, `ldb`, `ldc` are the row strides as stored.
    /// As in BLAS, C is not read when beta is 0.
    ///
    /// Products of at most `smallGemmLimit` multiply-adds run as a plain loop: a BLAS call
    /// costs ~20 ns before any arithmetic (more for transposed operands, which take
    /// OpenBLAS's buffered path), while a 4x2x2 product takes ~5 ns in a loop. Everything
    /// larger goes to OpenBLAS.
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        if m * n * k <= smallGemmLimit {
            loopGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            blasGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The size (m·n·k) up to which `gemm` loops instead of calling BLAS.
    public static var smallGemmLimit: Int { 256 }

    /// gemm as three loops, each element of C a dot product summed in k order.
    @_specialize(where Self == Double)
    @_specialize(where Self == Float)
    public static func loopGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        // Element strides of op(A) along (i, p) and op(B) along (p, j). The operands are
        // tiny, so the index arithmetic is wrapping: no overflow checks in the inner loop.
        let (ai, ap) = transA ? (1, lda) : (lda, 1)
        let (bp, bj) = transB ? (1, ldb) : (ldb, 1)
        for i in 0..<m {
            let row = a + i &* ai
            for j in 0..<n {
                var pa = row, pb = b + j &* bj
                var sum: Self = 0
                for _ in 0..<k {
                    sum += pa.pointee * pb.pointee
                    pa += ap
                    pb += bp
                }
                let out = c + (i &* ldc &+ j)
                out.pointee = beta == 0 ? alpha * sum : alpha * sum + beta * out.pointee
            }
        }
    }
}

/// BLAS threading. Parallelism in backprop comes from running configurations side by
/// side, so OpenBLAS is kept at one thread: more threads per run only oversubscribe the cores.
public enum BLAS {
    public static func useSingleThread() { openblas_set_num_threads(1) }
    public static var threads: Int { Int(openblas_get_num_threads()) }
    /// OpenBLAS's build ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64")
    /// and the kernel it chose for this CPU ("Haswell").
    public static var configuration: String { openblas_get_config().map { String(cString: $0) } ?? "" }
    public static var kernel: String { openblas_get_corename().map { String(cString: $0) } ?? "" }
}
