import BackpropCore
import Foundation
import Synchronization

/// A sweep whose search learns from its trials (TPE): one session that trains a batch, then
/// proposes the next from every result so far (`SweepPlan.nextBatch`), and so on; the
/// summaries and plots are written once, at the end. Each batch waits for all its runs
/// (synchronous), so the proposals, and the numbers, are the same whatever `--jobs` or the
/// order runs finish in. Run again after an interruption, it proposes the same batches from
/// the runs on disk (complete ones are skipped) and goes on where it stopped.
///
/// With a scheduler (successive halving, Hyperband) this is BOHB (Falkner et al., 2018): each
/// batch is scheduled among itself, rung by rung, and the next is proposed from the highest
/// rung that enough trials reached (`SweepPlan.modelRung`).
extension Sweep {
    func runAdaptiveSession(progress: Progress, starting: ((Int, Int) -> Void)?, begin: () throws -> Void) throws -> Report {
        if rung != nil { throw SpecError(file: plan.file, path: "scheduler", message: "--rung is for a scheduled sweep; a tpe search on shards runs batch by batch (--batch k)") }
        if let shard {
            guard let k = searchBatch else {
                throw SpecError(file: plan.file, path: "search.sampler", message: "a tpe search on shards runs batch by batch: add --batch k (backprop slurm writes one array per batch)")
            }
            if plan.scheduler != nil {
                throw SpecError(file: plan.file, path: "scheduler", message: "BOHB schedules each batch among itself in one process: run it without --shard")
            }
            return try runAdaptiveShard(k, shard: shard, progress: progress, starting: starting, begin: begin)
        }
        if searchBatch != nil { throw SpecError(file: plan.file, path: "search.sampler", message: "--batch is for a tpe search on shards (with --shard)") }
        var sweep = self
        // The batches already complete on disk (a rerun), proposed again as they were.
        if !force { sweep.plan = try plan.replayed(in: directory) }
        var data = try sweep.plan.buildData()
        var (complete, claimed) = try sweep.folder.claimRuns(sweep.plan.runs, data: data, force: force)
        try begin()
        try ResultsDirectory.writeAtomically(folder.specText, to: directory.path + "/spec.json")
        starting?(complete.count, expectedRuns)
        // BOHB's batches are scheduled, their runs' files written as a scheduled sweep's are;
        // other batches' statuses go to disk in groups.
        if plan.scheduler == nil { sweep.statusCommit = StatusCommit(directory: directory.path) }
        var results = complete  // by run index: complete on disk, or trained here
        var trained = [RunResult](), busy = 0
        while true {
            sweep.claimed = claimed
            let batch = sweep.plan.runs.filter { results[$0.index] == nil }
            let (done, busyHere) = sweep.plan.scheduler != nil
                ? sweep.runScheduled(existing: results, data: data, progress: progress,
                                     configurations: (batch.map(\.configurationIndex).min() ?? 0)..<sweep.plan.configurationCount)
                : sweep.runBatch(batch, data: data, progress: progress)
            for r in done {
                results[r.run.index] = r
                trained.append(r)
            }
            busy += busyHere
            guard !cancellation.isCancelled, busyHere == 0,
                  let next = try sweep.plan.nextBatch(results: Array(results.values)) else { break }
            // The new trials' runs: their data, and any already complete on disk (a rerun).
            sweep.plan = next
            data = try next.buildData(reusing: data)
            let fresh = next.runs.filter { results[$0.index] == nil }
            let (onDisk, newClaims) = try sweep.folder.claimRuns(fresh, data: data, force: force)
            for (i, r) in onDisk { results[i] = r; complete[i] = r }
            claimed.merge(newClaims) { $1 }
        }
        // Every status waiting is written before the summaries read them from disk.
        let unwritten = sweep.statusCommit?.drain() ?? [:]
        let written = Self.failing(trained, unwritten: unwritten)
        sweep.statusCommit = nil
        var report = try sweep.conclude(existing: complete, trained: written, busy: busy, drawn: [:], data: data, progress: progress)
        report.skipped = complete.count
        return report
    }

    /// One batch's runs, side by side: those that ended (not busy, not interrupted), and how
    /// many another process holds.
    func runBatch(_ batch: [PlannedRun], data: [Int: LoadedData], progress: Progress) -> (finished: [RunResult], busy: Int) {
        let finished = Mutex([RunResult]())
        let busy = Atomic<Int>(0)
        WorkerPool.run(batch, workers: jobs) { run, pool in
            guard !cancellation.isCancelled else { return }
            let result = executeLocked(run, data: data[run.index]!, progress: progress)
            switch result.status {
            case .busy: busy.add(1, ordering: .relaxed)
            case .interrupted: break
            default:
                progress.finished(result)
                finished.withLock { $0.append(result) }
                if result.status == .failed && (failFast || result.writeError != nil) { cancellation.cancel() }
            }
            if cancellation.isCancelled { pool.removeQueued { _ in true } }
        }
        return (finished.withLock { $0 }, busy.load(ordering: .relaxed))
    }

    /// Batch `k` of a tpe search, this shard's runs of it: the batches before it are proposed
    /// again from the runs on disk (every shard of every earlier batch must be complete), so
    /// every shard proposes the same batch, the one a single process would. Writes no summary.
    func runAdaptiveShard(_ k: Int, shard: (index: Int, count: Int), progress: Progress, starting: ((Int, Int) -> Void)?,
                          begin: () throws -> Void) throws -> Report {
        guard let search = plan.search else { return try runSession(progress: progress, starting: starting, begin: begin) }
        let batches = search.batchCount
        guard (0..<batches).contains(k) else {
            throw SpecError(file: plan.file, path: "search.batch", message: "--batch \(k): this search has batches 0 to \(batches - 1)")
        }
        var sweep = self
        let replayed = try plan.replayed(in: directory)
        let first = k * search.batch, end = min(first + search.batch, search.trials)
        let proposed = replayed.proposedTrials
        guard proposed.count >= end else {
            // The last batch proposed is the one not complete on disk.
            let waiting = (proposed.count - 1) / search.batch
            let complete = SweepFolder(plan: replayed, directory: directory).completeOnDisk(data: nil).count
            throw SpecError(file: plan.file, path: "search.batch", message: "--batch \(k) cannot be proposed yet: batch \(waiting) has \(replayed.runs.count - complete) run\(replayed.runs.count - complete == 1 ? "" : "s") not complete in \(directory.path) (run the arrays in order: each after the previous)")
        }
        sweep.plan = proposed.count == end ? replayed : try SweepPlan(json: plan.specJSON, file: plan.file, proposed: Array(proposed.prefix(end)), reusing: replayed)
        let combinations = sweep.plan.configurationCount / end
        let mine = sweep.assignedRuns.filter { $0.configurationIndex / combinations >= first }
        let data = try sweep.plan.buildData()
        let (complete, claimed) = try sweep.folder.claimRuns(mine, data: data, force: force)
        try begin()
        if shard.index == 0 { try ResultsDirectory.writeAtomically(folder.specText, to: directory.path + "/spec.json") }
        starting?(complete.count, mine.count)
        sweep.statusCommit = StatusCommit(directory: directory.path)
        sweep.claimed = claimed
        let (done, busy) = sweep.runBatch(mine.filter { complete[$0.index] == nil }, data: data, progress: progress)
        let written = Self.failing(done, unwritten: sweep.statusCommit!.drain())
        sweep.statusCommit = nil
        var report = try sweep.conclude(existing: complete, trained: written, busy: busy, drawn: [:], data: data, progress: progress)
        let indices = Set(mine.map(\.index))
        report.missing = mine.count - report.results.filter { $0.status != .failed && indices.contains($0.run.index) }.count
        return report
    }
}
