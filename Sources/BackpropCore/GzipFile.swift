import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// A data file read through zlib, which reads gzip-compressed and plain files alike, so
/// every dataset may be stored either way (`iris.csv` or `iris.csv.gz`).
public final class GzipFile {
    public let path: String
    private let handle: gzFile

    public init(path: String) throws(DataError) {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw DataError(file: path, message: "is a directory, not a data file") }
        guard let handle = gzopen(path, "rb") else {
            throw DataError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        gzbuffer(handle, 1 << 17)
    }

    deinit { gzclose(handle) }

    /// Reads up to `count` bytes into `buffer`; returns how many were read (0 at the end).
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(DataError) -> Int {
        var total = 0
        while total < count {
            let n = gzread(handle, buffer + total, UInt32(min(count - total, 1 << 30)))
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(handle, &code).map { String(cString: $0) } ?? "read error"
                throw DataError(file: path, message: "cannot read: \(message)")
            }
            if n == 0 { break }
            total += Int(n)
        }
        return total
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

    /// The whole (decompressed) content.
    public static func contents(of path: String) throws(DataError) -> [UInt8] {
        let file = try GzipFile(path: path)
        let size = 1 << 16
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { chunk.deallocate() }
        var out = [UInt8]()
        while true {
            let n = try file.read(into: chunk, count: size)
            if n == 0 { return out }
            out += UnsafeRawBufferPointer(start: chunk, count: n)
        }
    }
}
