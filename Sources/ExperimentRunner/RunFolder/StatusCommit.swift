import Synchronization

/// Status files written in groups, each after one flush to disk (`ResultsDirectory.flush`)
/// that covers every run of the group: a group commit, as databases do. A sweep of short
/// runs flushes a few times a second instead of once per run; a run longer than `window`
/// still gets its status.json as soon as it ends.
///
/// A finished run hands over its folder, its result and its lock (`submit`); its status.json
/// is written, and its checkpoint deleted, at the first flush after `window` seconds since
/// the previous one, or at `drain`, which the sweep calls before it writes its summaries (an
/// interrupted sweep too). The run stays locked until then, so another process never takes
/// it for unfinished. After SIGKILL or a power cut, the runs finished in the last `window`
/// seconds have no status file and are trained again: nothing reported complete is lost.
public final class StatusCommit: Sendable {
    public struct Pending: @unchecked Sendable {
        var folder: RunFolder
        var result: RunResult
        /// Held until the status is written (released when dropped).
        var lock: FileLock?
        /// Whether status.json is written in place (`RunFolder.writeStatus`).
        var inPlace: Bool

        init(folder: RunFolder, result: RunResult, lock: FileLock?, inPlace: Bool) {
            self.folder = folder
            self.result = result
            self.inPlace = inPlace
            self.lock = lock
        }

        public init(folder: RunFolder, result: RunResult) { self.init(folder: folder, result: result, lock: nil, inPlace: false) }
    }

    let directory: String
    let window: Double
    private let clock = Stopwatch()
    private struct State {
        var pending = [Pending]()
        var lastFlush = 0.0
        var failures = [Int: ResultsError]()  // run index -> the error that kept its status from disk
        var flushes = 0
    }
    private let state = Mutex(State())

    /// - Parameter directory: the sweep's folder (the flush covers its file system).
    public init(directory: String, window: Double = 0.1) {
        self.directory = directory
        self.window = window
    }

    /// How many flushes it made.
    public var flushes: Int { state.withLock { $0.flushes } }

    public func submit(_ pending: Pending) {
        let due = state.withLock { s in
            s.pending.append(pending)
            return clock.seconds - s.lastFlush >= window
        }
        if due { commit() }
    }

    /// Writes every status waiting; returns the runs whose status could not be written.
    public func drain() -> [Int: ResultsError] {
        commit()
        return state.withLock { $0.failures }
    }

    /// One flush, then the status files of every run submitted before it.
    private func commit() {
        let group = state.withLock { s in
            defer { s.pending.removeAll() }
            s.lastFlush = clock.seconds
            return s.pending
        }
        guard !group.isEmpty else { return }
        var failures = [Int: ResultsError]()
        do {
            try ResultsDirectory.flush(directory)
            for p in group {
                do {
                    try p.folder.writeStatus(p.result, inPlace: p.inPlace)
                    p.folder.removeCheckpoint()
                } catch { failures[p.result.run.index] = error }
            }
        } catch {
            for p in group { failures[p.result.run.index] = error }
        }
        state.withLock { s in
            s.flushes += 1
            s.failures.merge(failures) { a, _ in a }
        }
    }
}
