extension Matrix {
    /// The matrix product through BLAS gemm.
    /// self: (m, k), other: (k, n) -> (m, n)
    public func matmul(_ other: Matrix) -> Matrix {
        precondition(columns == other.rows, "matmul: (\(rows)x\(columns))·(\(other.rows)x\(other.columns))")
        var out = Matrix(rows: rows, columns: other.columns)
        guard rows > 0, other.columns > 0 else { return out }
        if columns == 0 { return out }
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                out.elements.withUnsafeMutableBufferPointer { c in
                    T.gemm(transA: false, transB: false, m: rows, n: other.columns, k: columns,
                           alpha: 1, a: a.baseAddress!, lda: columns,
                           b: b.baseAddress!, ldb: other.columns,
                           beta: 0, c: c.baseAddress!, ldc: other.columns)
                }
            }
        }
        return out
    }

    /// The transpose, for printing and tests (the training loop passes transpose flags to gemm instead).
    public var transposed: Matrix {
        var out = Matrix(rows: columns, columns: rows)
        for r in 0..<rows { for c in 0..<columns { out[c, r] = self[r, c] } }
        return out
    }
}
