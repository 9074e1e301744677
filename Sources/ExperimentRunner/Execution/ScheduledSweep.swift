import BackpropCore
import Foundation
import Synchronization

/// A sweep with a `scheduler`: configurations train rung by rung, and at each rung those the
/// scheduler drops stop there (status `stopped`, a result). Every run of a rung reaches the
/// rung's epoch (in its checkpoint) before anything is decided, and a decision depends on
/// the metrics alone: the same promotions whatever `--jobs`, the order runs finish in, or
/// an interruption (running again recomputes every decision from what is on disk and goes
/// on from the checkpoints). A promoted run continues from its checkpoint, never from the
/// start, and ends bit for bit as a run trained straight through.
extension Sweep {
    /// - Parameter configurations: the configurations to schedule (nil: all of the plan's): a
    ///   BOHB batch's, scheduled among themselves.
    func runScheduled(existing: [Int: RunResult], data: [Int: LoadedData], progress: Progress,
                      configurations: Range<Int>? = nil) -> (trained: [RunResult], busy: Int) {
        guard let scheduler = plan.scheduler, let epochs = plan.runs.first?.spec.training.epochs else { return ([], 0) }
        let scheduled = configurations ?? 0..<plan.configurationCount
        // --force: every run starts over, once; later rungs then go on from the checkpoints
        // this process writes.
        var copy = self
        if force {
            for run in assignedRuns where scheduled.contains(run.configurationIndex) {
                folder.run(run).removeStatus()
                folder.run(run).removeCheckpoint()
            }
            copy.force = false
        }
        // Going on from a rung's checkpoint is the schedule's own business, not news.
        copy.announcesResumes = false
        let sweep = copy
        let brackets = scheduler.brackets(configurations: scheduled.count, epochs: epochs).map { b in
            SchedulerSpec.Bracket(configurations: b.configurations.map { $0 + scheduled.lowerBound }, rungs: b.rungs)
        }
        let runsOf = Dictionary(grouping: plan.runs.filter { scheduled.contains($0.configurationIndex) }, by: \.configurationIndex)
        /// The latest result of each run: complete on disk, trained here, or paused at a rung.
        let latest = Mutex(existing)
        let finished = Mutex([RunResult]())
        let busy = Atomic<Int>(0)
        var active = brackets.map(\.configurations)
        let refreshes = ReportRefresh.Schedule(refresh)
        for step in 0..<(brackets.map(\.rungs.count).max() ?? 0) {
            // Every run of an active configuration reaches its bracket's rung.
            var jobs = [(run: PlannedRun, until: Int)]()
            for (b, bracket) in brackets.enumerated() where step < bracket.rungs.count {
                for c in active[b] { for run in runsOf[c] ?? [] { jobs.append((run, bracket.rungs[step])) } }
            }
            let known = latest.withLock { $0 }
            jobs.removeAll { job in known[job.run.index].map { Self.hasReached($0, job.until) } ?? false }
            WorkerPool.run(jobs, workers: self.jobs) { job, pool in
                guard !cancellation.isCancelled else { return }
                let final = job.until >= epochs
                let result = sweep.executeLocked(job.run, data: data[job.run.index]!, until: final ? nil : job.until, progress: progress)
                switch result.status {
                case .busy: busy.add(1, ordering: .relaxed)
                case .interrupted: break
                default:
                    latest.withLock { $0[job.run.index] = result }
                    if result.status != .paused {
                        finished.withLock { $0.append(result) }
                        progress.finished(result)
                        if result.status == .failed && (failFast || result.writeError != nil) { cancellation.cancel() }
                    }
                }
                if cancellation.isCancelled { pool.removeQueued { _ in true } }
                sweep.refreshReport(refreshes, existing: existing) { finished.withLock { $0 } }
            }
            if cancellation.isCancelled { break }
            // The decisions, bracket by bracket, from every run's record at the rung.
            let now = latest.withLock { $0 }
            for (b, bracket) in brackets.enumerated() where step < bracket.rungs.count - 1 {
                let rung = bracket.rungs[step]
                let scores = active[b].map { c in (c, Self.objective(at: rung, of: (runsOf[c] ?? []).map { now[$0.index] }, objective: plan.objective)) }
                let kept = Self.promoted(scores, scheduler: scheduler, objective: plan.objective)
                for (c, _) in scores where !kept.contains(c) {
                    for run in runsOf[c] ?? [] {
                        guard let r = now[run.index], r.status == .paused || (r.status == .stopped && r.epochs == rung) else { continue }
                        let stopped = stop(r, at: rung)
                        latest.withLock { $0[run.index] = stopped }
                        if r.status == .paused {
                            finished.withLock { $0.append(stopped) }
                            progress.finished(stopped)
                        }
                    }
                }
                active[b] = active[b].filter(kept.contains)
            }
        }
        return (finished.withLock { $0 }, busy.load(ordering: .relaxed))
    }

    /// Whether `result` already holds the rung's epoch, or has ended before it.
    static func hasReached(_ result: RunResult, _ epoch: Int) -> Bool {
        switch result.status {
        case .completed, .diverged: return true
        case .stopped, .paused: return result.epochs >= epoch
        default: return false
        }
    }

    /// A configuration's objective at `epoch`: the mean over its seeds of each run's value
    /// there (a run that ended before, its kept network's); a diverged or missing seed, or
    /// a value that is not a number, counts as the worst.
    static func objective(at epoch: Int, of runs: [RunResult?], objective: Objective) -> Double {
        var total = 0.0
        for r in runs {
            guard let r, r.status != .diverged, r.status != .failed else { return objective.worst }
            let record = epoch < r.rows.count ? r.rows[epoch].record : r.kept
            guard let v = record.flatMap(objective.value), !v.isNaN else { return objective.worst }
            total += v
        }
        return runs.isEmpty ? objective.worst : total / Double(runs.count)
    }

    /// The configurations that go on from a rung: the best ⌊n/η⌋ (at least one) for
    /// successive halving and Hyperband; for median stopping, every one not worse than the
    /// median of the others'. Ties go to the earlier configuration in plan order.
    public static func promoted(_ given: [(configuration: Int, value: Double)], scheduler: SchedulerSpec, objective: Objective) -> Set<Int> {
        // A value that is not a number is the worst (and sorts as one).
        let scores = given.map { ($0.configuration, $0.value.isNaN ? objective.worst : $0.value) }
        switch scheduler.name {
        case .successiveHalving, .hyperband:
            let ranked = scores.sorted { a, b in
                a.1 != b.1 ? objective.isBetter(a.1, than: b.1) : a.0 < b.0
            }
            return Set(ranked.prefix(scheduler.survivors(of: scores.count)).map(\.0))
        case .median:
            var kept = Set<Int>()
            for (c, value) in scores {
                let others = scores.filter { $0.0 != c }.map(\.1).sorted()
                guard !others.isEmpty else { kept.insert(c); continue }
                let n = others.count
                let median = n % 2 == 1 ? others[n / 2] : (others[n / 2 - 1] + others[n / 2]) / 2
                if !objective.isBetter(median, than: value) { kept.insert(c) }
            }
            return kept
        }
    }

    /// Writes a paused run's files as stopped at `rung` (metrics up to it, its model there,
    /// status.json last) and drops its checkpoint.
    func stop(_ paused: RunResult, at rung: Int) -> RunResult {
        var r = paused
        r.status = .stopped
        r.message = "stopped by the \(plan.scheduler!.name.rawValue) scheduler at epoch \(rung)"
        r.rows = Array(r.rows.prefix(rung + 1))
        r.provenance = r.provenance ?? provenanceID
        guard paused.status == .paused, let model = paused.pausedModel else { return r }
        return writeFiles(r, model: model)
    }
}
