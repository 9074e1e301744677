import Foundation

/// An exclusive lock on a file (flock), so that two backprop processes on the same results
/// folder never train the same run or write the summaries at the same moment. The kernel
/// releases it when the process ends, however it ends, so a killed process leaves no stale lock.
final class FileLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// The lock, or nil when another process holds it (`wait: false`).
    static func acquire(_ path: String, wait: Bool) throws -> FileLock? {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, code: errno) }
        if flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw FileError(path: path, code: code)
        }
        return FileLock(fd: fd)
    }
}
