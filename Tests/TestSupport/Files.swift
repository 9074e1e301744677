import CZlib
import Foundation

/// Every file a test makes lives under one folder of this test process,
/// `$TMPDIR/backprop-tests-<pid>`, removed when the process exits, whether its tests
/// passed or failed. Folders left by a process that crashed are removed by the next run.
public let testRoot: String = {
    let temporary = NSTemporaryDirectory()
    // A crashed run's folder (its process is gone) goes now.
    for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix("backprop-tests-") {
        if let pid = Int32(name.dropFirst("backprop-tests-".count)), kill(pid, 0) != 0 && errno == ESRCH {
            try? FileManager.default.removeItem(atPath: temporary + name)
        }
    }
    let root = temporary + "backprop-tests-\(getpid())"
    try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: testRoot) }
    return root
}()

/// A path for a new file or folder, not created, under `testRoot`.
public func temporaryPath(_ prefix: String = "test") -> String {
    testRoot + "/" + prefix + "-" + UUID().uuidString
}

/// A new empty folder under `testRoot`.
public func temporaryDirectory() -> String {
    let path = temporaryPath()
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
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
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
