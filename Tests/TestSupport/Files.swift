import CZlib
import Foundation

/// A new empty folder under the system's temporary directory.
public func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "backprop-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `bytes` to `path`, gzip-compressed when `gzip` is true; returns the path.
@discardableResult
public func writeFile(_ bytes: [UInt8], to path: String, gzip: Bool = false) -> String {
    if gzip {
        let f = gzopen(path, "wb")!
        _ = bytes.withUnsafeBytes { gzwrite(f, $0.baseAddress, UInt32($0.count)) }
        gzclose(f)
    } else {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
    return path
}

@discardableResult
public func writeFile(_ text: String, to path: String, gzip: Bool = false) -> String {
    writeFile(Array(text.utf8), to: path, gzip: gzip)
}

/// An IDX file's bytes: magic 0x00 0x00 0x08 rank, big-endian sizes, then the bytes.
public func idxBytes(dimensions: [Int], values: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for d in dimensions { out += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
    return out + values
}

/// The package's root folder (where Package.swift is).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
