import BackpropCore

/// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a magic
/// number 0x0000TTDD (TT the element type, DD the number of dimensions), DD big-endian
/// 32-bit sizes, then the elements in row-major order. Only unsigned bytes (TT = 0x08) are
/// read, which is what both datasets use. Files may be gzip-compressed or plain.
///
/// The reader streams: it reads the header on creation and the rows on request, in chunks,
/// straight into the caller's storage, so a dataset is never held twice in memory.
public final class IDXReader {
    public let file: GzipFile
    /// The sizes of every dimension: [count] for labels, [count, rows, columns] for images.
    public let dimensions: [Int]

    public var count: Int { dimensions[0] }
    /// Elements per item (28·28 = 784 for an image, 1 for a label); the header check bounds it.
    public let itemSize: Int

    /// The product of `sizes`, or nil when it overflows: sizes come from the file.
    static func checkedProduct(_ sizes: some Sequence<Int>) -> Int? {
        var product = 1
        for s in sizes {
            let (p, overflow) = product.multipliedReportingOverflow(by: s)
            if overflow { return nil }
            product = p
        }
        return product
    }

    public init(path: String) throws(DataError) {
        file = try GzipFile(path: path)
        let magic = try file.readBytes(4, what: "the magic number")
        guard magic[0] == 0, magic[1] == 0 else {
            throw DataError(file: path, message: "not an IDX file: bad magic number 0x\(magic.map { hex($0) }.joined())")
        }
        guard magic[2] == 0x08 else {
            throw DataError(file: path, message: "IDX element type 0x\(hex(magic[2])) is not supported (only 0x08, unsigned bytes)")
        }
        let rank = Int(magic[3])
        guard (1...4).contains(rank) else { throw DataError(file: path, message: "IDX file with \(rank) dimensions; 1 to 4 are supported") }
        let sizes = try file.readBytes(4 * rank, what: "the header")
        dimensions = (0..<rank).map { d in sizes[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) } }
        guard dimensions.allSatisfy({ $0 > 0 }), let total = Self.checkedProduct(dimensions), total < 1 << 40,
              let item = Self.checkedProduct(dimensions.dropFirst()) else {
            throw DataError(file: path, message: "IDX dimensions \(dimensions.map(String.init).joined(separator: " x ")) are empty or impossibly large")
        }
        guard total <= InputLimit.bytes else { throw InputLimit.tooLarge(path, what: "claims \(total) bytes of items, ") }
        guard item <= 1 << 24 else {
            throw DataError(file: path, message: "IDX items of \(item) elements: more than backprop reads (16777216 per item)")
        }
        itemSize = item
    }

    /// Reads every item, in order, converting bytes to T. `destination(i)` says where item i
    /// goes (itemSize elements), or nil to skip it.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func readItems<T: Scalar>(as: T.Type = T.self, into destination: (Int) -> UnsafeMutablePointer<T>?) throws(DataError) {
        let itemSize = itemSize
        let perChunk = max(1, (1 << 16) / itemSize)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: perChunk * itemSize)
        defer { buffer.deallocate() }
        var item = 0
        while item < count {
            let items = min(perChunk, count - item)
            let first = item
            try file.readExactly(into: buffer, count: items * itemSize, what: "items \(first + 1)-\(first + items) of \(count)")
            for k in 0..<items {
                guard let out = destination(first + k) else { continue }
                let row = buffer + k * itemSize
                for j in 0..<itemSize { out[j] = T(row[j]) }
            }
            item += items
        }
    }

    /// A label file's items (a 1-dimensional IDX file).
    public func labels() throws(DataError) -> [Int] {
        guard dimensions.count == 1 else {
            throw DataError(file: file.path, message: "expected labels (1 dimension), found dimensions \(dimensions)")
        }
        // In chunks: the count comes from the header, so nothing is allocated ahead of the data.
        var labels = [Int]()
        while labels.count < count {
            let n = min(1 << 16, count - labels.count)
            labels += try file.readBytes(n, what: "\(count) labels").map(Int.init)
        }
        return labels
    }
}

private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}
