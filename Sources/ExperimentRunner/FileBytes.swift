#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a file, or an error that says why not.
func readFile(_ path: String) throws -> [UInt8] {
    guard let handle = fopen(path, "rb") else { throw FileError(path: path, code: errno) }
    defer { fclose(handle) }
    var out = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, handle)
        if n > 0 { out.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count {
            if ferror(handle) != 0 { throw FileError(path: path, code: errno) }
            break
        }
    }
    return out
}

struct FileError: Error, CustomStringConvertible {
    var path: String
    var code: Int32
    var description: String { String(cString: strerror(code)).lowercased() }
}
