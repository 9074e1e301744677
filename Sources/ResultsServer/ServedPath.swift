/// A request's path as the names of folders and a file inside the results folder, or nil
/// when it could name anything else: every segment is percent-decoded once, and a segment
/// that is empty (but the last), `.` or `..`, begins with `.` (the locks and claims backprop
/// keeps), holds a `/`, a backslash, a NUL or any other control character after decoding is
/// refused, as is a path that is not absolute or is longer than 4 KiB or 64 segments. Links are
/// another matter: `ServedFile` opens each segment without following one.
public struct ServedPath: Equatable, Sendable {
    /// The decoded segments, from the results folder down.
    public var segments: [String]
    /// The path ended with `/` (a folder, whose index.html is served).
    public var trailingSlash: Bool

    public init?(_ raw: String) {
        guard raw.utf8.first == UInt8(ascii: "/"), raw.utf8.count <= 4096 else { return nil }
        var parts = raw.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst().map(Array.init)
        trailingSlash = parts.last?.isEmpty ?? false
        if trailingSlash { parts.removeLast() }
        guard parts.count <= 64 else { return nil }
        var out = [String]()
        for part in parts {
            guard let bytes = Self.percentDecoded(part), !bytes.isEmpty, bytes.first != UInt8(ascii: "."),
                  !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }),
                  let text = String(validating: bytes, as: UTF8.self),
                  !text.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) })
            else { return nil }
            out.append(text)
        }
        segments = out
    }

    /// `%XX` as its byte; nil for a `%` not followed by two hexadecimal digits.
    static func percentDecoded(_ bytes: [UInt8]) -> [UInt8]? {
        var out = [UInt8](), i = 0
        out.reserveCapacity(bytes.count)
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
