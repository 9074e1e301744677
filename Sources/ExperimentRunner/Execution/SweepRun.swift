import BackpropCore
import Foundation

/// One run of a sweep, start to finish: its lock, its training, its files (status.json last).
extension Sweep {
    /// A run under its lock: busy when another process holds it.
    func executeLocked(_ run: PlannedRun, data: LoadedData) -> RunResult {
        let runFolder = folder.run(run)
        var result = RunResult(run: run, status: .busy, message: nil, rows: [], seconds: 0)
        let lock: FileLock?
        do { lock = try runFolder.lock() } catch {
            result.status = .failed
            result.message = error.description
            result.writeError = error
            return result
        }
        guard let lock else { return result }
        defer { _ = lock }
        // Everything is checked again under the lock: another process may have finished it,
        // or claimed it for another configuration, since this one looked.
        switch folder.state(of: run, fingerprint: data.fingerprint) {
        case let .complete(done) where !force:
            var r = done
            r.status = .busy
            return r
        case let .conflicting(file, reason) where !force:
            result.status = .failed
            result.writeError = ResultsError(path: file, message: reason + "; another backprop process claimed it: results are never mixed")
            return result
        default: break
        }
        runFolder.removeStatus()
        return execute(run, data: data)
    }

    /// One run, start to finish, on the calling thread.
    func execute(_ run: PlannedRun, data: LoadedData) -> RunResult {
        let clock = Stopwatch()
        guard let (trained, model) = data.splits.train(run, cancellation: cancellation, clock: clock) else {
            // Abandoned: nothing of it is written, and it has no status file.
            return RunResult(run: run, status: .interrupted, message: nil, rows: [], seconds: 0)
        }
        var result = trained
        result.dataFingerprint = data.fingerprint
        let runFolder = folder.run(run)
        do {
            try runFolder.writeResults(result, model: model)
            result.plotWarning = try report.writeRunPlots(result)
            result.seconds = clock.seconds
            try runFolder.writeStatus(result)
        } catch {
            // No status.json: the run stays incomplete, and the sweep stops (the next run
            // would meet the same disk).
            result.status = .failed
            result.message = error.description
            result.writeError = error
        }
        return result
    }
}
