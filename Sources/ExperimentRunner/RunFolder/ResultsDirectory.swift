import CSystemCalls
import Foundation
import Synchronization

/// The results layout (README, "Output") and atomic writes into it.
///
///     results/<name>/spec.json summary.csv summary.md curves.csv loss.{gp,png,svg}
///     results/<name>/runs/<run_id>/config.json metrics.csv model.json loss.{gp,png}
public struct ResultsDirectory: Sendable {
    public let path: String

    public init(root: String, name: String) { path = root + "/" + name }

    public func runPath(_ id: String) -> String { path + "/runs/" + id }

    /// The folders every write of a sweep goes through, checked not to be symbolic links: the
    /// sweep's own and its runs/ (each run folder is checked as it is made or claimed). A
    /// results folder handed over with a link planted there would send the writes anywhere.
    public func refuseLinks() throws(ResultsError) {
        try Self.refuseLink(path)
        try Self.refuseLink(path + "/runs")
    }

    /// A folder as the user gave it, for messages: without trailing slashes.
    public static func display(_ folder: String) -> String {
        var f = folder
        while f.count > 1 && f.hasSuffix("/") { f.removeLast() }
        return f
    }

    /// Creates `folder` and its parents as needed. The folder itself must not be a symbolic
    /// link (nor become one: `mkdir` makes a real folder or fails): a run folder, a sweep's
    /// folder or its runs/ planted as a link would send every write elsewhere. Links further
    /// up, above the folders backprop writes in (`--results` itself may be one), are the user's.
    public static func makeFolder(_ folder: String) throws(ResultsError) {
        var info = stat()
        if lstat(folder, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: return
            case S_IFLNK: throw ResultsError.link(folder)
            default: throw ResultsError(path: folder, errno: ENOTDIR, doing: "create the folder")
            }
        }
        if let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            try makeParent(String(folder[..<slash]))
        }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw ResultsError(path: folder, errno: errno, doing: "create the folder") }
        try refuseLink(folder)
    }

    /// A parent of a folder being made, or a folder the user named: any existing folder,
    /// through links too.
    public static func makeParent(_ folder: String) throws(ResultsError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            if isFolder.boolValue { return }
            throw ResultsError(path: folder, errno: ENOTDIR, doing: "create the folder")
        }
        try makeFolder(folder)
    }

    /// Throws when `path` is a symbolic link (checked without following it).
    public static func refuseLink(_ path: String) throws(ResultsError) {
        var info = stat()
        if lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK { throw ResultsError.link(path) }
    }

    /// The folder a file is written in, made if needed: a link there is refused (`makeFolder`)
    /// unless the user named that folder (`userFolder`: `--results` itself, `--output`), and
    /// a link in the file's own place always is.
    private static func prepare(_ file: String, userFolder: Bool = false) throws(ResultsError) {
        if let slash = file.lastIndex(of: "/"), slash != file.startIndex {
            let folder = String(file[..<slash])
            if userFolder { try makeParent(folder) } else { try makeFolder(folder) }
        }
        try refuseLink(file)
    }

    /// Writes `text` under a temporary name in the same folder, then renames it into place,
    /// so that a reader (or a crash) never sees a half-written file. A file that already
    /// holds exactly `text` is left as it is (so an up-to-date read-only folder needs no
    /// write). Returns whether it wrote.
    /// `userFolder`: the file goes in a folder the user named (`--results` itself, `--output`),
    /// which may be a link; inside a sweep's folder no folder may.
    @discardableResult
    public static func writeAtomically(_ text: String, to file: String, userFolder: Bool = false) throws(ResultsError) -> Bool {
        try writeAtomically(bytes: Array(text.utf8), to: file, userFolder: userFolder)
    }

    /// `writeAtomically` for bytes. `unlessUnchanged: false` skips reading the file first,
    /// for content that is never the same twice (a checkpoint).
    @discardableResult
    public static func writeAtomically(bytes: [UInt8], to file: String, unlessUnchanged: Bool = true, userFolder: Bool = false) throws(ResultsError) -> Bool {
        try prepare(file, userFolder: userFolder)
        if unlessUnchanged, let existing = try? readFile(file, limit: bytes.count + 1, followLinks: false), existing == bytes { return false }
        let slash = file.lastIndex(of: "/")
        let folder = slash.map { String(file[..<$0]) } ?? ""
        let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
        let temporary = (slash == nil ? "" : folder + "/") + ".\(name).tmp-\(getpid())"
        // A new file of our own (O_EXCL: never one that is there, O_NOFOLLOW: never through a
        // link). One left by a crash of a process with our pid, or planted, is removed first
        // (unlink removes a link, not what it points to).
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 && errno == EEXIST {
            unlink(temporary)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw ResultsError(path: file, errno: errno, doing: "write") }
        do { try finish(fd, bytes, written: temporary, named: file) } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, file) == 0 else {
            let code = errno
            unlink(temporary)
            throw ResultsError(path: file, errno: code, doing: "write")
        }
        PowerCut.step(wrote: file)
        return true
    }

    /// Writes `bytes` to `file` when it does not exist yet, directly (O_EXCL: no temporary file,
    /// no rename); else as `writeAtomically`. For a run's config.json when the run is claimed:
    /// a new one cut short by a crash, with no status.json beside it, is an unfinished claim
    /// (`RunFolder.state`), made again; one that exists is replaced whole or not at all.
    public static func writeNew(bytes: [UInt8], to file: String) throws(ResultsError) {
        try prepare(file)
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 && errno == EEXIST {
            try writeAtomically(bytes: bytes, to: file)
            return
        }
        guard fd >= 0 else { throw ResultsError(path: file, errno: errno, doing: "write") }
        try finish(fd, bytes, written: file, named: file)
    }

    /// Writes `bytes` to `file` directly: no temporary file, no rename, no check of the folder.
    /// Only for a run folder that has no status.json (a run being written): nothing reads its
    /// files before its status.json, which comes after a flush, so a crash half-way leaves an
    /// incomplete run that is trained again. Two metadata operations (a rename, a temporary
    /// name) fewer per file than `writeAtomically`, which is what a disk's journal counts. An
    /// existing file is overwritten, then cut to length, not emptied first: its blocks are
    /// reused instead of freed and allocated again (on a disk mounted with `discard`, each
    /// freed block is a discard request: a rerun with --force waited 0.7 ms per file on them).
    public static func writeInPlace(bytes: [UInt8], to file: String) throws(ResultsError) {
        let fd = open(file, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw errno == ELOOP ? ResultsError.link(file) : ResultsError(path: file, errno: errno, doing: "write") }
        try finish(fd, bytes, written: file, named: file, truncating: true)
    }

    /// Writes `bytes` to the open `fd` of the file `written` and closes it; errors name `named`
    /// (the file the user knows, where `written` is its temporary name).
    /// `truncating`: cut the file to `bytes.count` afterwards (it may hold more).
    private static func finish(_ fd: Int32, _ bytes: [UInt8], written path: String, named file: String,
                               truncating: Bool = false) throws(ResultsError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw ResultsError(path: file, errno: code, doing: "write")
            }
            written += n
        }
        if truncating && ftruncate(fd, off_t(bytes.count)) != 0 {
            let code = errno
            close(fd)
            throw ResultsError(path: file, errno: code, doing: "write")
        }
        if close(fd) != 0 { throw ResultsError(path: file, errno: errno, doing: "write") }
        PowerCut.step(wrote: path)
    }

    /// Makes everything written so far on the file system holding `folder` durable (one
    /// `syncfs`, a single journal commit, where an `fsync` per file would be one each). A run
    /// calls it once, between its data files and its status.json, so that a status.json that
    /// survives a power cut always has complete files beside it; a status.json cut short is
    /// not a status file (`StatusFile(text:)`), and its run is trained again.
    public static func flush(_ folder: String) throws(ResultsError) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ResultsError(path: folder, errno: errno, doing: "flush to disk") }
        defer { close(fd) }
        guard backprop_syncfs(fd) == 0 else { throw ResultsError(path: folder, errno: errno, doing: "flush to disk") }
        PowerCut.flushed()
    }
}

/// A power cut, simulated for the durability test (`BACKPROP_POWER_CUT_AFTER=N` in the
/// environment of `backprop`): after N write steps (a temporary file written, a rename) the
/// process dies at once, and every file written since the last `flush` is first emptied, the
/// worst a kernel may do with data it had not yet written back (ext4's delayed allocation).
/// Off (and one relaxed load per step) unless set.
public enum PowerCut {
    private static let remaining = Atomic<Int>(0)
    private static let unflushed = Mutex<[String]>([])

    public static func arm(afterSteps steps: Int) { remaining.store(max(steps, 0), ordering: .relaxed) }

    static func step(wrote file: String) {
        guard remaining.load(ordering: .relaxed) > 0 else { return }
        unflushed.withLock { files in
            files.append(file)
            guard remaining.subtract(1, ordering: .relaxed).newValue == 0 else { return }
            for f in files { truncate(f, 0) }
            _exit(137)
        }
    }

    static func flushed() {
        guard remaining.load(ordering: .relaxed) > 0 else { return }
        unflushed.withLock { $0.removeAll() }
    }
}
