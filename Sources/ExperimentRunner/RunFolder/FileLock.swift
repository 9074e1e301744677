import Foundation

/// An exclusive lock on a file (flock), so that two backprop processes on the same results
/// folder never train the same run or write the summaries at the same moment. The kernel
/// releases it when the process ends, however it ends, so a killed process leaves no stale lock.
final class FileLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { if fd >= 0 { close(fd) } }

    /// The lock, or nil when another process holds it (`wait: false`).
    /// In a folder nobody can write (read-only), nothing can change under the caller: the
    /// lock file is opened for reading, or, when it does not exist, no lock is needed.
    static func acquire(_ path: String, wait: Bool) throws(ResultsError) -> FileLock? {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try ResultsDirectory.makeFolder(String(path[..<slash])) }
        var fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd < 0 && (errno == EROFS || errno == EACCES) {
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd < 0 && errno == ENOENT { return FileLock(fd: -1) }
        }
        guard fd >= 0 else { throw errno == ELOOP ? ResultsError.link(path) : ResultsError(path: path, errno: errno, doing: "lock") }
        if flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw ResultsError(path: path, errno: code, doing: "lock")
        }
        return FileLock(fd: fd)
    }
}
