import BackpropCore

/// How input features are rescaled before training. Statistics are fitted on the training
/// set only and then applied unchanged to validation and test, so nothing of them leaks in.
public enum Normalization: Equatable, Sendable {
    case none
    /// x' = (x - mean) / std per column (population std, as scikit-learn's StandardScaler;
    /// a constant column is only centred).
    case standard
    /// x' = (x - min) / (max - min) per column, into [0, 1] on the training set (a constant
    /// column becomes 0).
    case minmax
    /// x' = x / c for every value (255 for 8-bit pixels).
    case scale(Double)

    /// Per-column shift and divisor: x' = (x - shift) / divisor.
    public struct Fitted: Equatable, Sendable {
        public var shift: [Double]
        public var divisor: [Double]

        public init(shift: [Double], divisor: [Double]) {
            self.shift = shift
            self.divisor = divisor
        }

        /// Rescales `m` in place (no copy when `m` is not shared).
        @_specialize(where T == Double)
        @_specialize(where T == Float)
        public func apply<T: Scalar>(to m: inout Matrix<T>) {
            let columns = m.columns
            let shift = shift.map { T($0) }, reciprocal = divisor.map { 1 / T($0) }
            m.elements.withUnsafeMutableBufferPointer { x in
                for r in 0..<(x.count / max(columns, 1)) {
                    let row = x.baseAddress! + r * columns
                    for j in 0..<columns { row[j] = (row[j] - shift[j]) * reciprocal[j] }
                }
            }
        }
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func fit<T: Scalar>(_ m: Matrix<T>) -> Fitted {
        let n = m.rows, k = m.columns
        switch self {
        case .none: return Fitted(shift: Array(repeating: 0, count: k), divisor: Array(repeating: 1, count: k))
        case let .scale(c): return Fitted(shift: Array(repeating: 0, count: k), divisor: Array(repeating: c, count: k))
        case .standard:
            var mean = [Double](repeating: 0, count: k), squares = [Double](repeating: 0, count: k)
            m.elements.withUnsafeBufferPointer { x in
                for r in 0..<n { for j in 0..<k { mean[j] += Double(x[r * k + j]) } }
                for j in 0..<k { mean[j] /= Double(max(n, 1)) }
                // Two passes: the sum of squared deviations, not E[x²] - E[x]², which cancels.
                for r in 0..<n { for j in 0..<k { let d = Double(x[r * k + j]) - mean[j]; squares[j] += d * d } }
            }
            let std = squares.map { ($0 / Double(max(n, 1))).squareRoot() }
            return Fitted(shift: mean, divisor: std.map { $0 > 0 ? $0 : 1 })
        case .minmax:
            var low = [Double](repeating: .infinity, count: k), high = [Double](repeating: -.infinity, count: k)
            m.elements.withUnsafeBufferPointer { x in
                for r in 0..<n {
                    for j in 0..<k { let v = Double(x[r * k + j]); low[j] = Swift.min(low[j], v); high[j] = Swift.max(high[j], v) }
                }
            }
            return Fitted(shift: low, divisor: zip(low, high).map { $1 > $0 ? $1 - $0 : 1 })
        }
    }
}
