import Foundation

/// The results layout (README, "Output") and atomic writes into it.
///
///     results/<name>/spec.json summary.csv summary.md curves.csv loss.{gp,png,svg}
///     results/<name>/runs/<run_id>/config.json metrics.csv model.json loss.{gp,png}
public struct ResultsDirectory: Sendable {
    public let path: String

    public init(root: String, name: String) { path = root + "/" + name }

    public func runPath(_ id: String) -> String { path + "/runs/" + id }

    /// A folder as the user gave it, for messages: without trailing slashes.
    public static func display(_ folder: String) -> String {
        var f = folder
        while f.count > 1 && f.hasSuffix("/") { f.removeLast() }
        return f
    }

    /// Creates `folder` and its parents as needed.
    public static func makeFolder(_ folder: String) throws(ResultsError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            if isFolder.boolValue { return }
            throw ResultsError(path: folder, errno: ENOTDIR, doing: "create the folder")
        }
        if let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            try makeFolder(String(folder[..<slash]))
        }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw ResultsError(path: folder, errno: errno, doing: "create the folder") }
    }

    /// Writes `text` under a temporary name in the same folder, then renames it into place,
    /// so that a reader (or a crash) never sees a half-written file. A file that already
    /// holds exactly `text` is left as it is (so an up-to-date read-only folder needs no
    /// write). Returns whether it wrote.
    @discardableResult
    public static func writeAtomically(_ text: String, to file: String) throws(ResultsError) -> Bool {
        try writeAtomically(bytes: Array(text.utf8), to: file)
    }

    /// `writeAtomically` for bytes. `unlessUnchanged: false` skips reading the file first,
    /// for content that is never the same twice (a checkpoint).
    @discardableResult
    public static func writeAtomically(bytes: [UInt8], to file: String, unlessUnchanged: Bool = true) throws(ResultsError) -> Bool {
        if unlessUnchanged, let existing = try? readFile(file), existing == bytes { return false }
        let slash = file.lastIndex(of: "/")
        let folder = slash.map { String(file[..<$0]) } ?? ""
        if !folder.isEmpty { try makeFolder(folder) }
        let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
        let temporary = (slash == nil ? "" : folder + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultsError(path: file, errno: errno, doing: "write") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw ResultsError(path: file, errno: code, doing: "write")
            }
            written += n
        }
        if close(fd) != 0 {
            let code = errno
            unlink(temporary)
            throw ResultsError(path: file, errno: code, doing: "write")
        }
        guard rename(temporary, file) == 0 else {
            let code = errno
            unlink(temporary)
            throw ResultsError(path: file, errno: code, doing: "write")
        }
        return true
    }
}
