import BackpropCore
import Testing
import TestSupport

@Suite struct MatrixBLASTests {
    @Test(arguments: [(1, 1, 1), (1, 3, 1), (3, 1, 4), (2, 5, 3), (7, 4, 9), (64, 33, 17), (200, 784, 10)])
    func gemmMatchesTheLoopProduct(_ m: Int, _ k: Int, _ n: Int) {
        let a: Matrix<Double> = randomMatrix(rows: m, columns: k, seed: UInt64(m * 1000 + k))
        let b: Matrix<Double> = randomMatrix(rows: k, columns: n, seed: UInt64(n * 7 + 1))
        expectClose(a.matmul(b), referenceProduct(a, b).nested, tolerance: 1e-12 * Double(k))
    }

    @Test func float32GemmMatchesTheLoopProduct() {
        let a: Matrix<Float> = randomMatrix(rows: 13, columns: 29, seed: 5)
        let b: Matrix<Float> = randomMatrix(rows: 29, columns: 6, seed: 6)
        expectClose(a.matmul(b), referenceProduct(a.converted(to: Double.self), b.converted(to: Double.self)).nested, tolerance: 1e-5)
    }

    @Test func transposeFlags() {
        // C = Aᵀ·B with A stored (k, m), as the backward pass uses it for dW = xᵀ·delta.
        let a: Matrix<Double> = randomMatrix(rows: 5, columns: 3, seed: 11)
        let b: Matrix<Double> = randomMatrix(rows: 5, columns: 4, seed: 12)
        var c = Matrix<Double>(rows: 3, columns: 4)
        a.elements.withUnsafeBufferPointer { ap in b.elements.withUnsafeBufferPointer { bp in c.elements.withUnsafeMutableBufferPointer { cp in
            Double.gemm(transA: true, transB: false, m: 3, n: 4, k: 5, alpha: 1, a: ap.baseAddress!, lda: 3,
                        b: bp.baseAddress!, ldb: 4, beta: 0, c: cp.baseAddress!, ldc: 4)
        } } }
        expectClose(c, referenceProduct(a.transposed, b).nested, tolerance: 1e-14)
    }

    /// Tiny products take the loop; it must agree with OpenBLAS for every transpose and beta.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func loopGemmMatchesBLAS(_ transA: Bool, _ transB: Bool) {
        let (m, n, k) = (3, 4, 5)
        let a: Matrix<Double> = randomMatrix(rows: transA ? k : m, columns: transA ? m : k, seed: 21)
        let b: Matrix<Double> = randomMatrix(rows: transB ? n : k, columns: transB ? k : n, seed: 22)
        let c0: Matrix<Double> = randomMatrix(rows: m, columns: n, seed: 23)
        for beta in [0.0, 0.5] {
            var loop = c0, blas = c0
            a.elements.withUnsafeBufferPointer { ap in b.elements.withUnsafeBufferPointer { bp in
                loop.elements.withUnsafeMutableBufferPointer { cp in
                    Double.loopGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, a: ap.baseAddress!, lda: a.columns,
                                    b: bp.baseAddress!, ldb: b.columns, beta: beta, c: cp.baseAddress!, ldc: n)
                }
                blas.elements.withUnsafeMutableBufferPointer { cp in
                    Double.blasGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, a: ap.baseAddress!, lda: a.columns,
                                    b: bp.baseAddress!, ldb: b.columns, beta: beta, c: cp.baseAddress!, ldc: n)
                }
            } }
            expectClose(loop, blas.nested, tolerance: 1e-14)
        }
        #expect(m * n * k <= Double.smallGemmLimit)
    }

    @Test func blasRunsOnOneThread() {
        BLAS.useSingleThread()
        #expect(BLAS.threads == 1)
    }
}
