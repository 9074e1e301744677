import ExperimentRunner
import Foundation

/// The runs of a sweep folder that have finished, found by looking: a run is finished once
/// its status.json exists (written last, after every other file of the run). Looking, rather
/// than being told, sees whichever process writes the folder: a local `run`, a Slurm array on
/// another machine sharing the file system (where inotify would see nothing). Nothing is
/// followed through a link, as for `ServedFile`.
struct FinishedRuns {
    /// The sweep folder's segments below the results folder.
    let sweep: [String]
    let root: Int32
    private(set) var seen = Set<String>()

    struct Finished: Equatable {
        var run: String
        /// status.json's "status" (completed, stopped, diverged, failed).
        var status: String
    }

    /// Every run finished now counts as seen: only later ones are news.
    init(sweep: [String], root: Int32) {
        self.sweep = sweep
        self.root = root
        _ = next()
    }

    /// The runs finished since the last look, in the order of their names.
    mutating func next() -> [Finished] {
        guard let runs = ServedFile.openFolder(sweep + ["runs"], in: root) else { return [] }
        defer { close(runs) }
        var out = [Finished]()
        for name in Self.names(runs) where !seen.contains(name) {
            // One call for a run not finished yet (most of them, most of the time); the file is
            // opened, without following a link, only once it is there.
            var s = stat()
            guard fstatat(runs, name + "/status.json", &s, AT_SYMLINK_NOFOLLOW) == 0,
                  let file = ServedFile.file([name, "status.json"], in: runs),
                  let bytes = file.contents(limit: 1 << 16), let text = String(validating: bytes, as: UTF8.self),
                  let status = StatusFile(text: text) else { continue }
            seen.insert(name)
            out.append(Finished(run: name, status: status.status.rawValue))
        }
        return out
    }

    /// The entries of the folder open as `fd` but `.` names, sorted.
    static func names(_ fd: Int32) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else { return [] }
        defer { closedir(dir) }
        var out = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if !name.hasPrefix(".") { out.append(name) }
        }
        return out.sorted()
    }
}
