import BackpropData
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a file, or an error that says why not. A stream read that stops past `limit`
/// bytes (`InputLimit`: a file of someone else's, /dev/zero or a huge sparse file, never fills
/// memory). `followLinks: false` refuses a symbolic link (ELOOP).
func readFile(_ path: String, limit: Int = InputLimit.bytes, followLinks: Bool = true) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
    guard fd >= 0 else { throw FileError(path: path, code: errno) }
    defer { close(fd) }
    var out = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let want = min(buffer.count, limit - out.count + 1)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, want) }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, code: errno)
        }
        if n == 0 { return out }
        guard out.count + n <= limit else { throw FileError(path: path, code: EFBIG, limit: limit) }
        out.append(contentsOf: buffer[0..<n])
    }
}

struct FileError: Error, CustomStringConvertible {
    var path: String
    var code: Int32
    var limit: Int? = nil
    var description: String {
        if let limit {
            return "holds more than \(InputLimit.describe(limit)), the input limit: raise it with --max-input (or BACKPROP_MAX_INPUT) if the file is what you meant"
        }
        return String(cString: strerror(code)).lowercased()
    }
}

/// A text file, read as `readFile` reads it; nil unless it is UTF-8 throughout.
func readText(_ path: String, limit: Int = InputLimit.bytes) throws -> String {
    let bytes = try readFile(path, limit: limit)
    guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(path: path, code: EILSEQ) }
    return text
}
