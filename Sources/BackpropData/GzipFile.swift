import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// A data file that may be gzip-compressed (`iris.csv.gz`) or plain (`iris.csv`): read
/// through zlib's `inflate` when it starts with gzip's magic bytes, as it is otherwise.
///
/// A compressed file must hold whole gzip members and nothing else: one that ends before
/// its stream does (truncated), fails its CRC or length check, or has other data after its
/// last member is a `DataError`, never a shorter file. Concatenated members (as `cat a.gz
/// b.gz` makes) read as one file, as gzip reads them.
public final class GzipFile {
    public let path: String
    private let file: UnsafeMutablePointer<FILE>
    /// nil for a plain file.
    let stream: UnsafeMutablePointer<z_stream>?
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputSize = 1 << 17
    private var fileEnded = false
    private var finished = false

    public init(path: String) throws(DataError) {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw DataError(file: path, message: "is a directory, not a data file") }
        guard let file = fopen(path, "rb") else {
            throw DataError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.file = file
        input = .allocate(capacity: Self.inputSize)
        let head = fread(input, 1, 2, file)
        if head == 2 && input[0] == 0x1F && input[1] == 0x8B {
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            s.pointee.next_in = input
            s.pointee.avail_in = 2
            // 15 + 16: a 32 KiB window, gzip format (header and CRC checked).
            guard inflateInit2_(s, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                s.deallocate()
                input.deallocate()
                fclose(file)
                throw DataError(file: path, message: "cannot start zlib")
            }
            stream = s
        } else {
            stream = nil
            rewind(file)
        }
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        input.deallocate()
        fclose(file)
    }

    /// Reads up to `count` bytes into `buffer`; returns how many were read (0 at the end).
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(DataError) -> Int {
        guard let stream else {
            let n = fread(buffer, 1, count, file)
            if n < count && ferror(file) != 0 { throw DataError(file: path, message: "cannot read: \(String(cString: strerror(errno)))") }
            return n
        }
        var total = 0
        while total < count && !finished {
            if stream.pointee.avail_in == 0 && !fileEnded { try refill() }
            stream.pointee.next_out = buffer.assumingMemoryBound(to: UInt8.self) + total
            let want = min(count - total, Int(UInt32.max))
            stream.pointee.avail_out = UInt32(want)
            let status = inflate(stream, Z_NO_FLUSH)
            total += want - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                try startNextMember()
            case Z_OK:
                break
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && fileEnded:
                throw DataError(file: path, message: "truncated: the compressed data ends before its gzip stream does")
            case Z_BUF_ERROR:
                break
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DataError(file: path, message: "damaged compressed data: \(detail)")
            }
        }
        return total
    }

    private func refill() throws(DataError) {
        let n = fread(input, 1, Self.inputSize, file)
        if n < Self.inputSize {
            if ferror(file) != 0 { throw DataError(file: path, message: "cannot read: \(String(cString: strerror(errno)))") }
            fileEnded = true
        }
        stream!.pointee.next_in = input
        stream!.pointee.avail_in = UInt32(n)
    }

    /// After a member's end: the file ends, another member starts, or it is an error.
    private func startNextMember() throws(DataError) {
        let stream = stream!
        if stream.pointee.avail_in == 0 && !fileEnded { try refill() }
        if stream.pointee.avail_in == 0 {
            finished = true
            return
        }
        // A second member needs its own two magic bytes, which may straddle the buffer's end.
        if stream.pointee.avail_in == 1 && !fileEnded {
            let first = stream.pointee.next_in[0]
            input[0] = first
            let n = fread(input + 1, 1, Self.inputSize - 1, file)
            if n < Self.inputSize - 1 { fileEnded = true }
            stream.pointee.next_in = input
            stream.pointee.avail_in = UInt32(n + 1)
        }
        let next = stream.pointee.next_in!
        guard stream.pointee.avail_in >= 2, next[0] == 0x1F, next[1] == 0x8B else {
            throw DataError(file: path, message: "damaged compressed data: other data follows the gzip stream")
        }
        inflateReset(stream)
    }

    /// Exactly `count` bytes, or an error saying the file is truncated and what was being read.
    public func readExactly(into buffer: UnsafeMutableRawPointer, count: Int, what: @autoclosure () -> String) throws(DataError) {
        let n = try read(into: buffer, count: count)
        if n < count { throw DataError(file: path, message: "truncated: \(what()) needs \(count) bytes, the file ends after \(n)") }
    }

    /// Exactly `count` bytes, as an array.
    public func readBytes(_ count: Int, what: @autoclosure () -> String) throws(DataError) -> [UInt8] {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 8)
        defer { p.deallocate() }
        try readExactly(into: p, count: count, what: what())
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }

    /// Whether a file (not a directory) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFDIR
    }

    /// The whole (decompressed) content, read as a stream that stops at `limit` bytes (a
    /// gzip bomb, /dev/zero or a huge sparse file is an error after reading that much, never
    /// an allocation the size the file claims).
    public static func contents(of path: String, limit: Int = InputLimit.bytes) throws(DataError) -> [UInt8] {
        let file = try GzipFile(path: path)
        let size = 1 << 16
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { chunk.deallocate() }
        var out = [UInt8]()
        while true {
            let n = try file.read(into: chunk, count: min(size, limit - out.count + 1))
            if n == 0 { return out }
            guard out.count + n <= limit else {
                throw InputLimit.tooLarge(path, what: file.stream == nil ? "holds" : "expands to")
            }
            out += UnsafeRawBufferPointer(start: chunk, count: n)
        }
    }
}
