import BackpropCore
import Foundation
import Synchronization

/// One run of a sweep, start to finish: its lock, its training, its files (status.json last).
extension Sweep {
    /// A run under its lock: busy when another process holds it. `until`: pause after
    /// that epoch (a rung), saved in its checkpoint.
    func executeLocked(_ run: PlannedRun, data: LoadedData, until: Int? = nil, progress: Progress) -> RunResult {
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
        // Everything is checked again under the lock: another process may have finished it,
        // or claimed it for another configuration, since this one looked (--force trains it
        // again whatever it holds).
        if !force {
            switch folder.state(of: run, fingerprint: data.fingerprint, claimed: claimed[run.index]) {
            case let .complete(done):
                var r = done
                r.status = .busy
                return r
            case let .conflicting(file, reason):
                result.status = .failed
                result.writeError = ResultsError(path: file, message: reason + "; another backprop process claimed it: results are never mixed")
                return result
            case .missing: break
            }
        }
        runFolder.removeStatus()
        if force { runFolder.removeCheckpoint() }
        return execute(run, data: data, until: until, progress: progress, lock: lock)
    }

    /// One run, start (or its checkpoint) to finish (or `until`), on the calling thread.
    /// - Parameter lock: the run's, held until its status.json is written.
    func execute(_ run: PlannedRun, data: LoadedData, until: Int?, progress: Progress, lock: FileLock? = nil) -> RunResult {
        let clock = Stopwatch()
        let runFolder = folder.run(run)
        // A failed checkpoint write costs at most the work since the previous one: a warning
        // (the first only), never a failed run.
        let warned = Atomic<Bool>(false)
        let path = runFolder.checkpointFile
        let checkpoints = CheckpointFile(
            path: path, existing: try? readFile(path),
            identity: { [folder] in Checkpoint.identity(config: folder.configText(run), fingerprint: data.fingerprint) },
            write: { bytes in
                do { try ResultsDirectory.writeAtomically(bytes: bytes, to: path, unlessUnchanged: false) } catch {
                    if !warned.exchange(true, ordering: .relaxed) { progress.warn("\(error); the run goes on without checkpoints") }
                }
            },
            warn: { progress.warn($0) },
            resumed: { [announcesResumes] in if announcesResumes { progress.note("\(run.id): resuming after epoch \($0) from its checkpoint") } })
        // The live line hears of a run's epochs five times a second at most (a clock read per
        // epoch here; the line itself is drawn four times a second at most).
        var nextReport = 0.2
        let epochDone: ((Int) -> Void)? = progress.showsRunning ? { epoch in
            let now = clock.seconds
            if now >= nextReport {
                nextReport = now + 0.2
                progress.running(run, epoch: epoch)
            }
        } : nil
        guard let (trained, model) = data.splits.train(run, cancellation: cancellation, clock: clock, checkpoints: checkpoints,
                                                       until: until, epochDone: epochDone) else {
            // Abandoned: nothing of it is written, and it has no status file.
            return RunResult(run: run, status: .interrupted, message: nil, rows: [], seconds: 0)
        }
        var result = trained
        result.record(data)
        result.provenance = provenanceID
        if result.status == .paused {
            // Its metrics and model so far, without status.json (so the run stays incomplete):
            // what the rung's decision reads, in this process or on another node.
            result.pausedModel = model
            do { try runFolder.writeResults(result, model: model) } catch {
                result.status = .failed
                result.message = error.description
                result.writeError = error
            }
            return result
        }
        // Without a scheduler no other process reads a run before its status.json (shards of a
        // scheduled sweep read each other's rungs), so its files are written in place.
        return writeFiles(result, model: model, lock: lock, inPlace: plan.scheduler == nil) { clock.seconds }
    }

    /// A finished run's files, status.json last, after a flush to disk that covers the others
    /// (then no checkpoint is needed). With `statusCommit`, the status waits for the group's
    /// flush. On a write error, the run is failed with it and stays incomplete (no
    /// status.json), and the sweep stops: the next run would meet the same disk.
    /// - Parameters:
    ///   - lock: the run's, held until its status.json is written.
    ///   - inPlace: whether the files can be written in place (`RunFolder.writeResults`): a run
    ///     this process trained under its lock, whose folder has no status.json (executeLocked
    ///     removed any) and whose files no other process reads before it has one. Not in a
    ///     scheduled sweep, whose shards read each other's paused runs for their decisions.
    ///   - seconds: read after the plots, for status.json.
    func writeFiles(_ finished: RunResult, model: [UInt8], lock: FileLock? = nil, inPlace: Bool = false,
                    seconds: (() -> Double)? = nil) -> RunResult {
        var result = finished
        let runFolder = folder.run(result.run)
        do {
            try runFolder.writeResults(result, model: model, inPlace: inPlace)
            result.plotWarning = try report.writeRunPlots(result, inPlace: inPlace)
            if let seconds { result.seconds = seconds() }
            if let statusCommit {
                statusCommit.submit(.init(folder: runFolder, result: result, lock: lock, inPlace: inPlace))
            } else {
                try ResultsDirectory.flush(runFolder.path)
                try runFolder.writeStatus(result, inPlace: inPlace)
                runFolder.removeCheckpoint()
            }
        } catch {
            result.status = .failed
            result.message = error.description
            result.writeError = error
        }
        return result
    }
}
