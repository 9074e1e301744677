/// A dense row-major matrix. A batch of samples is stored one sample per row,
/// and a layer's weights are (inputs x units), so a layer computes `A·W + b`.
public struct Matrix<T: Scalar>: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// Row-major storage: element (r, c) is `elements[r * columns + c]`.
    public var elements: [T]

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public init(rows: Int, columns: Int, repeating value: T = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        self.rows = rows
        self.columns = columns
        let count = rows * columns
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow && bytes >= LargePages.threshold else {
            self.elements = Array(repeating: value, count: count)
            return
        }
        self.elements = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            LargePages.advise(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: bytes)
            buffer.initialize(repeating: value)
            initialized = count
        }
    }

    public init(rows: Int, columns: Int, elements: [T]) {
        precondition(elements.count == rows * columns, "\(elements.count) elements for a \(rows)x\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from nested rows. Callers validate user input first: ragged rows are
    /// an internal error here.
    public init(_ nested: [[T]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: nested.count, columns: columns, elements: nested.flatMap { $0 })
    }

    /// Inlinable: other modules fill matrices element by element (decision boundaries, data
    /// readers), and a call per element to an unspecialised generic accessor cost 400
    /// instructions an element.
    @inlinable
    public subscript(row: Int, column: Int) -> T {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The rows as nested arrays, for printing and JSON.
    public var nested: [[T]] {
        (0..<rows).map { r in Array(elements[(r * columns)..<((r + 1) * columns)]) }
    }

    public func row(_ r: Int) -> ArraySlice<T> {
        elements[(r * columns)..<((r + 1) * columns)]
    }

    /// The same values in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Matrix<U> {
        Matrix<U>(rows: rows, columns: columns, elements: elements.map { U($0) })
    }

    /// The rows at the given indices, in that order.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var out = [T]()
        out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: row(r)) }
        return Matrix(rows: indices.count, columns: columns, elements: out)
    }
}
