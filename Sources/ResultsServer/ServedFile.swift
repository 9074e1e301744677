import Foundation

/// A file of the results folder opened for reading, segment by segment from the folder's
/// own descriptor with `O_NOFOLLOW`: a symbolic link anywhere below the results folder is
/// refused (not followed, even to a place inside it), and a folder renamed or replaced by a
/// link while a request is answered cannot take it elsewhere. Only regular files are served.
public final class ServedFile: @unchecked Sendable {
    public let descriptor: Int32
    public let size: Int
    /// The file's name (its last segment), for its content type.
    public let name: String

    public enum Outcome {
        case file(ServedFile)
        /// A folder, named without its trailing `/`: the client is sent to the name with one,
        /// so that the page's relative links resolve inside it.
        case folder
        case notFound
    }

    private init(descriptor: Int32, size: Int, name: String) {
        self.descriptor = descriptor
        self.size = size
        self.name = name
    }

    deinit { close(descriptor) }

    /// Opens `path` below the folder open as `root`: a folder's index.html when the path
    /// names a folder with a trailing `/` (or is the root itself).
    public static func open(_ path: ServedPath, in root: Int32) -> Outcome {
        // Every segment but the last is a folder.
        guard let parent = openFolder(Array(path.segments.dropLast()), in: root) else { return .notFound }
        defer { close(parent) }
        guard let last = path.segments.last else { return file("index.html", in: parent).map(Outcome.file) ?? .notFound }
        if let folder = openFolder([last], in: parent) {
            defer { close(folder) }
            guard path.trailingSlash else { return .folder }
            return file("index.html", in: folder).map(Outcome.file) ?? .notFound
        }
        guard !path.trailingSlash, let f = file(last, in: parent) else { return .notFound }
        return .file(f)
    }

    /// The regular file `segments` below the folder open as `root`, opened without following
    /// a link; nil when there is none.
    public static func file(_ segments: [String], in root: Int32) -> ServedFile? {
        guard let name = segments.last, let parent = openFolder(Array(segments.dropLast()), in: root) else { return nil }
        defer { close(parent) }
        return file(name, in: parent)
    }

    /// The regular file `name` in the folder open as `folder`; O_NONBLOCK keeps a FIFO from
    /// hanging the open (it is then refused), and is cleared for the reads.
    static func file(_ name: String, in folder: Int32) -> ServedFile? {
        let fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var s = stat()
        guard fstat(fd, &s) == 0, s.st_mode & S_IFMT == S_IFREG else { close(fd); return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return ServedFile(descriptor: fd, size: Int(s.st_size), name: name)
    }

    /// The folder `segments` below the folder open as `root`, opened without following a link;
    /// the caller closes it.
    public static func openFolder(_ segments: [String], in root: Int32) -> Int32? {
        var fd = dup(root)
        guard fd >= 0 else { return nil }
        for segment in segments {
            let next = openat(fd, segment, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(fd)
            guard next >= 0 else { return nil }
            fd = next
        }
        return fd
    }

    /// Up to `count` bytes from `offset`; empty at the end.
    public func read(at offset: Int, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, count, off_t(offset)) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            return Array(buffer[0..<n])
        }
    }

    /// The whole file, when it is at most `limit` bytes.
    public func contents(limit: Int) -> [UInt8]? {
        guard size <= limit else { return nil }
        var out = [UInt8]()
        while out.count <= limit {
            guard let chunk = read(at: out.count, count: 65536) else { return nil }
            if chunk.isEmpty { return out }
            out += chunk
        }
        return nil
    }

    /// The Content-Type of a file backprop writes, by its extension; any other is served as
    /// bytes to download, never as something a browser would run.
    public static func contentType(_ name: String) -> String {
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "pdf": return "application/pdf"
        case "csv": return "text/csv; charset=utf-8"
        case "json": return "application/json"
        case "md", "txt", "gp", "tex", "log", "yaml", "yml", "sh", "slurm", "dat": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
