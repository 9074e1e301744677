import BackpropCore
import Testing

/// |actual - expected| <= tolerance, reported with both values on failure.
public func expectClose(_ actual: Double, _ expected: Double, tolerance: Double,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(actual - expected) <= tolerance,
            "\(actual) is not within \(tolerance) of \(expected)\(comment.map { ": \($0)" } ?? "")",
            sourceLocation: sourceLocation)
}

/// Element by element, with the same tolerance.
public func expectClose<T: Scalar>(_ actual: [T], _ expected: [Double], tolerance: Double,
                                   _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        expectClose(Double(a), e, tolerance: tolerance, comment, sourceLocation: sourceLocation)
    }
}

public func expectClose<T: Scalar>(_ actual: Matrix<T>, _ expected: [[Double]], tolerance: Double,
                                   _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.rows == expected.count && actual.columns == (expected.first?.count ?? 0),
            "shape \(actual.rows)x\(actual.columns)", sourceLocation: sourceLocation)
    expectClose(actual.elements, expected.flatMap { $0 }, tolerance: tolerance, comment, sourceLocation: sourceLocation)
}

/// The central difference (f(x + h) - f(x - h)) / 2h.
public func numericalDerivative(_ f: (Double) -> Double, at x: Double, step h: Double = 1e-6) -> Double {
    (f(x + h) - f(x - h)) / (2 * h)
}

/// The plain triple-loop product, kept as the reference the BLAS path is tested against.
/// a: (m, k), b: (k, n) -> (m, n)
public func referenceProduct<T: Scalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Matrix<T> {
    precondition(a.columns == b.rows)
    var c = Matrix<T>(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows {
        for j in 0..<b.columns {
            var sum: T = 0
            for p in 0..<a.columns { sum += a[i, p] * b[p, j] }
            c[i, j] = sum
        }
    }
    return c
}

/// A matrix of seeded values uniform in [-1, 1).
public func randomMatrix<T: Scalar>(rows: Int, columns: Int, seed: UInt64) -> Matrix<T> {
    var rng = Xoshiro256StarStar(seed: seed)
    return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in T(rng.nextDouble(in: -1, 1)) })
}
