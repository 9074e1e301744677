import BackpropCore
import Foundation
import Synchronization

/// A scheduled sweep spread over shards (`backprop slurm`: one job array per rung step,
/// each after the previous): `backprop run SPEC --shard i/n --rung k` reads every run's state
/// from the shared results folder, replays the decisions of steps 0 … k−1 (the same function
/// of the same metrics as in one process), writes its own runs that those decisions stopped,
/// and trains its own runs that go on to step k's rung, from their checkpoints.
extension Sweep {
    func runRung(_ step: Int, data: [Int: LoadedData], progress: Progress) throws -> (trained: [RunResult], busy: Int) {
        guard let scheduler = plan.scheduler, let epochs = plan.runs.first?.spec.training.epochs, let shard else { return ([], 0) }
        let brackets = scheduler.brackets(configurations: plan.configurationCount, epochs: epochs)
        guard step >= 0, step < (brackets.map(\.rungs.count).max() ?? 0) else {
            throw SpecError(file: plan.file, path: "scheduler", message: "--rung \(step): this schedule has rung steps 0 to \((brackets.map(\.rungs.count).max() ?? 1) - 1)")
        }
        let runsOf = Dictionary(grouping: plan.runs, by: \.configurationIndex)
        let mine = { (run: PlannedRun) in run.index % shard.count == shard.index }
        var finished = [RunResult]()
        var active = brackets.map(\.configurations)
        for past in 0..<step {
            for (b, bracket) in brackets.enumerated() where past < bracket.rungs.count - 1 {
                let rung = bracket.rungs[past]
                var results = [Int: RunResult]()
                for c in active[b] {
                    for run in runsOf[c] ?? [] {
                        guard let r = onDisk(run, data: data[run.index]), Self.hasReached(r, rung) else {
                            throw ResultsError(path: folder.run(run).path, message: "has no metrics up to epoch \(rung), which rung step \(past) trains: "
                                + "that step's array did not finish; run it again (backprop run … --rung \(past)) before step \(step)")
                        }
                        results[run.index] = r
                    }
                }
                let scores = active[b].map { c in (c, Self.objective(at: rung, of: (runsOf[c] ?? []).map { results[$0.index] }, objective: plan.objective)) }
                let kept = Self.promoted(scores, scheduler: scheduler, objective: plan.objective)
                for (c, _) in scores where !kept.contains(c) {
                    for run in runsOf[c] ?? [] where mine(run) {
                        guard let r = results[run.index], r.status == .paused, r.epochs == rung else { continue }
                        let stopped = stop(r, at: rung)
                        finished.append(stopped)
                        progress.finished(stopped)
                    }
                }
                active[b] = active[b].filter(kept.contains)
            }
        }
        // This step's rung, for this shard's runs that go on.
        var jobs = [(run: PlannedRun, until: Int)]()
        for (b, bracket) in brackets.enumerated() where step < bracket.rungs.count {
            for c in active[b] {
                for run in runsOf[c] ?? [] where mine(run) {
                    if let r = onDisk(run, data: data[run.index]), Self.hasReached(r, bracket.rungs[step]) { continue }
                    jobs.append((run, bracket.rungs[step]))
                }
            }
        }
        let trained = Mutex([RunResult]())
        let busy = Atomic<Int>(0)
        var copy = self
        copy.announcesResumes = false
        let sweep = copy
        WorkerPool.run(jobs, workers: self.jobs) { job, pool in
            guard !cancellation.isCancelled else { return }
            let result = sweep.executeLocked(job.run, data: data[job.run.index]!, until: job.until >= epochs ? nil : job.until, progress: progress)
            switch result.status {
            case .busy: busy.add(1, ordering: .relaxed)
            case .interrupted, .paused: break
            default:
                trained.withLock { $0.append(result) }
                progress.finished(result)
                if result.status == .failed && (failFast || result.writeError != nil) { cancellation.cancel() }
            }
            if cancellation.isCancelled { pool.removeQueued { _ in true } }
        }
        return (finished + trained.withLock { $0 }, busy.load(ordering: .relaxed))
    }

    /// A run as the results folder holds it: complete (status.json), paused at a rung
    /// (metrics.csv and model.json without status.json), or nil.
    func onDisk(_ run: PlannedRun, data: LoadedData?) -> RunResult? {
        if case let .complete(r) = folder.state(of: run, fingerprint: data?.fingerprint) { return r }
        let runFolder = folder.run(run)
        guard let text = try? readText(runFolder.metricsFile), let rows = MetricsLog.parse(text), !rows.isEmpty,
              let model = try? readFile(runFolder.modelFile), (try? JSONParser.parse(model)) != nil else { return nil }
        var r = RunResult(run: run, status: .paused, message: nil, rows: rows, seconds: rows.last!.seconds)
        r.pausedModel = model
        r.record(data)
        return r
    }
}
