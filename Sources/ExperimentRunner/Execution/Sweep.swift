import BackpropCore
import Foundation
import Synchronization

/// Runs a plan: every run trains on one of `jobs` worker threads (`WorkerPool`); each writes
/// its own folder (`RunFolder`), status.json last; then the summaries and plots are written
/// from every run complete on disk (`SweepReport`).
///
/// Running a spec again skips its complete runs (completed or diverged) and trains the
/// others from the start; `force` trains everything again. A run folder holding another
/// configuration's config.json stops the sweep before anything trains, unless `force`.
public struct Sweep: Sendable {
    public var plan: SweepPlan
    public var jobs: Int
    public var resultsRoot: String
    /// nil: plots are skipped (the CSVs and .gp scripts are still written).
    public var gnuplot: Gnuplot?
    public var force = false
    /// Stop the sweep at the first failed run.
    public var failFast = false
    /// The id of this process's session in provenance.json, set by `run`.
    var provenanceID: String?
    /// The command line provenance.json records.
    public var commandLine = CommandLine.arguments
    /// Say so when a run continues from a checkpoint (after a kill or a power cut).
    var announcesResumes = true
    public var cancellation = Cancellation()
    /// Train only the runs whose plan index is congruent to `index` mod `count` (a Slurm
    /// array task). A shard writes its runs' folders only (shard 0 also spec.json); the
    /// summaries are `summarize`'s, once every shard is done.
    public var shard: (index: Int, count: Int)?
    /// A scheduled sweep on shards runs one rung step per invocation (`--rung k`, one Slurm
    /// array per step): the decisions of the steps before it are read from disk.
    public var rung: Int?
    /// A tpe search on shards runs one batch per invocation (`--batch k`, one Slurm array per
    /// batch): the batches before it are proposed again from the runs on disk.
    public var searchBatch: Int?

    /// The runs this process is responsible for: all of them, or its shard's.
    public var assignedRuns: [PlannedRun] {
        guard let shard else { return plan.runs }
        return plan.runs.filter { $0.index % shard.count == shard.index }
    }

    public init(plan: SweepPlan, jobs: Int, resultsRoot: String = "results", gnuplot: Gnuplot? = Gnuplot.find()) {
        self.plan = plan
        self.jobs = max(jobs, 1)
        self.resultsRoot = resultsRoot
        self.gnuplot = gnuplot
    }

    public var directory: ResultsDirectory { ResultsDirectory(root: resultsRoot, name: plan.name) }
    public var folder: SweepFolder { SweepFolder(plan: plan, directory: directory) }
    public var report: SweepReport { SweepReport(folder: folder, gnuplot: gnuplot, jobs: jobs, plots: plots) }
    /// Which plots are rendered (scripts are always written).
    public var plots = PlotPolicy.report
    /// Status files written in groups (`StatusCommit`); nil: each after its own flush.
    var statusCommit: StatusCommit?
    /// The config.json text this process wrote for each run it claimed (by run index): under
    /// the run's lock, a config.json with exactly these bytes is the claim itself, and needs no
    /// parsing to be compared (`RunFolder.state`).
    var claimed: [Int: [UInt8]] = [:]
    /// How often the report is rewritten while the sweep runs.
    public var refresh = ReportRefresh()

    /// What a sweep did.
    public struct Report: Sendable {
        /// Every run complete on disk at the end (this process's and earlier ones'), in plan
        /// order, plus this process's failed runs: what the summaries show.
        public var results: [RunResult]
        /// Runs this process trained to the end (any status but interrupted).
        public var trained: [RunResult]
        /// Complete runs found on disk and not trained again.
        public var skipped: Int
        /// Runs another process was training.
        public var busy: Int
        /// Runs of the plan not complete at the end.
        public var missing: Int
        public var interrupted: Bool
        public var failed: [RunResult] { trained.filter { $0.status == .failed } }
        /// The first run whose folder could not be written (the sweep stopped there).
        public var writeError: ResultsError? { trained.lazy.compactMap(\.writeError).first }
        /// How many times the report was rewritten while the sweep ran.
        public var refreshes = 0
    }

    /// Trains every run not yet complete and writes every file, on `jobs` worker threads.
    /// - Parameter starting: called once the spec, the data and the results folder are
    ///   checked, just before training, with the number of complete runs to be skipped.
    /// How many runs the sweep trains in all: the plan's, or for a TPE search all its trials'.
    public var expectedRuns: Int { plan.plannedRunCount }

    /// - Parameter starting: called once the spec, the data and the folder are checked, with
    ///   how many runs are complete already and how many this process is responsible for.
    public func run(progress: Progress, starting: ((_ skipped: Int, _ assigned: Int) -> Void)? = nil) throws -> Report {
        try directory.refuseLinks()
        var session = Provenance.current(command: commandLine, precisions: Set(plan.runs.map(\.spec.training.precision.rawValue)).sorted())
        var sweep = self
        sweep.provenanceID = session.id
        let file = directory.path + "/provenance.json", lock = directory.path + "/.summary.lock"
        let begin = {
            // Recorded once the spec, the data and the folder are checked: nothing is written before.
            try session.record(in: file, lock: lock)
        }
        let report = plan.isAdaptive ? try sweep.runAdaptiveSession(progress: progress, starting: starting, begin: begin)
                                     : try sweep.runSession(progress: progress, starting: starting, begin: begin)
        session.ended = Provenance.timestamp(Date())
        try session.record(in: file, lock: lock)
        // What the sweep reports is on disk before it says so (status.json files included).
        try ResultsDirectory.flush(directory.path)
        return report
    }

    func runSession(progress: Progress, starting: ((Int, Int) -> Void)?, begin: () throws -> Void) throws -> Report {
        if plan.scheduler != nil && (shard == nil) != (rung == nil) {
            throw SpecError(file: plan.file, path: "scheduler", message: shard == nil
                ? "--rung is for a scheduled sweep on shards (with --shard)"
                : "a scheduled sweep on shards runs rung by rung: add --rung k (backprop slurm writes one array per rung)")
        }
        if searchBatch != nil {
            throw SpecError(file: plan.file, path: "search", message: "--batch is for a tpe search, whose trials are proposed batch by batch; this spec plans them all")
        }
        if plan.scheduler == nil && rung != nil {
            throw SpecError(file: plan.file, path: "scheduler", message: "--rung needs a scheduler in the spec")
        }
        if let rung, let s = plan.scheduler, let epochs = plan.runs.first?.spec.training.epochs {
            let steps = s.brackets(configurations: plan.configurationCount, epochs: epochs).map(\.rungs.count).max() ?? 0
            guard (0..<steps).contains(rung) else {
                throw SpecError(file: plan.file, path: "scheduler", message: "--rung \(rung): this schedule has rung steps 0 to \(steps - 1)")
            }
        }
        let data = try plan.buildData()
        let (existing, claimed) = try folder.claimRuns(assignedRuns, data: data, force: force)
        try begin()
        starting?(existing.count, assignedRuns.count)
        if shard == nil || shard?.index == 0 {
            try ResultsDirectory.writeAtomically(folder.specText, to: directory.path + "/spec.json")
        }
        if let rung, plan.scheduler != nil {
            let (trained, busy) = try runRung(rung, data: data, progress: progress)
            return try conclude(existing: existing, trained: trained, busy: busy, drawn: [:], data: data, progress: progress)
        }
        if plan.scheduler != nil {
            let (trained, busy) = runScheduled(existing: existing, data: data, progress: progress)
            return try conclude(existing: existing, trained: trained, busy: busy, drawn: [:], data: data, progress: progress)
        }
        let runs = assignedRuns.filter { existing[$0.index] == nil }
        // Short runs finish many times a second: their status files go to disk in groups.
        var grouped = self
        grouped.statusCommit = StatusCommit(directory: directory.path)
        grouped.claimed = claimed
        let sweep = grouped
        // A configuration's decision boundary is drawn once its last run here is done, as a
        // job like a run (`jobs` bounds everything CPU-bound, so --jobs 1 uses one core), queued
        // after the runs still waiting: runs go first, and drawing fills the cores that the
        // last runs leave idle, instead of delaying runs and leaving a core idle at the end.
        struct State {
            var remaining = [Int: Int]()  // configuration -> its runs not yet done here
            var trained = [RunResult]()
            var busy = 0
            var drawn = [Int: String]()  // configuration -> the run whose boundary is drawn
            var finishedOf = [Int: [RunResult]]()  // configuration -> its runs trained here (for its boundary)
        }
        let existingOf = Dictionary(grouping: existing.values, by: \.run.configurationIndex)
        var initial = State()
        for run in runs { initial.remaining[run.configurationIndex, default: 0] += 1 }
        let state = Mutex(initial)
        let refreshes = ReportRefresh.Schedule(refresh)
        enum Work: Sendable { case run(PlannedRun), boundary(Int, [RunResult]) }
        WorkerPool.run(runs.map(Work.run), workers: jobs) { work, pool in
            switch work {
            case let .boundary(configuration, results):
                if let id = report.drawBoundary(of: results, data: data) { state.withLock { $0.drawn[configuration] = id } }
            case let .run(run):
                guard !cancellation.isCancelled else { return }
                let result = sweep.executeLocked(run, data: data[run.index]!, progress: progress)
                if result.status != .busy && result.status != .interrupted {
                    progress.finished(result)
                    if result.status == .failed && (failFast || result.writeError != nil) { cancellation.cancel() }
                }
                let boundary: Work? = state.withLock { s in
                    switch result.status {
                    case .busy: s.busy += 1
                    case .interrupted: break
                    default:
                        s.trained.append(result)
                        let c = run.configurationIndex
                        if plots == .all { s.finishedOf[c, default: []].append(result) }
                        s.remaining[c]! -= 1
                        if s.remaining[c] == 0 && shard == nil && plots == .all && !cancellation.isCancelled {
                            return .boundary(c, (existingOf[c] ?? []) + s.finishedOf[c, default: []])
                        }
                    }
                    return nil
                }
                if cancellation.isCancelled { pool.removeQueued { if case .run = $0 { true } else { false } } }
                if let boundary { pool.add(boundary) }
                refreshReport(refreshes, existing: existing) { state.withLock { $0.trained } }
            }
        }
        // Every status waiting is written before the summaries read them from disk.
        let unwritten = sweep.statusCommit!.drain()
        let (trained, busy, drawn) = state.withLock { s in (Self.failing(s.trained, unwritten: unwritten), s.busy, s.drawn) }
        var outcome = try conclude(existing: existing, trained: trained, busy: busy, drawn: drawn, data: data, progress: progress)
        outcome.refreshes = refreshes.count
        return outcome
    }

    /// The runs whose status.json could not be written (`StatusCommit.drain`) as failed, with the error.
    static func failing(_ trained: [RunResult], unwritten: [Int: ResultsError]) -> [RunResult] {
        trained.map { r in
            guard let error = unwritten[r.run.index] else { return r }
            var failed = r
            failed.status = .failed
            failed.message = error.description
            failed.writeError = error
            return failed
        }
    }

    /// The report so far, when one is due (`ReportRefresh`): from the runs complete before
    /// this process started and those it finished, without decision boundaries or warnings.
    /// Skipped while another process writes the summaries, and never on a shard.
    func refreshReport(_ schedule: ReportRefresh.Schedule, existing: [Int: RunResult], finished: () -> [RunResult]) {
        guard shard == nil, !cancellation.isCancelled else { return }
        schedule.refreshIfDue {
            guard let lock = (try? FileLock.acquire(directory.path + "/.summary.lock", wait: false)) ?? nil else { return }
            var byIndex = existing
            for r in finished() { byIndex[r.run.index] = r }
            try? report.write(byIndex.values.sorted { $0.run.index < $1.run.index }, progress: .silent)
            _ = lock
        }
    }

    /// The summaries, once the runs are done (a shard leaves them to `summarize`), and the report.
    func conclude(existing: [Int: RunResult], trained: [RunResult], busy: Int, drawn: [Int: String], data: [Int: LoadedData],
                  progress: Progress) throws -> Report {
        let results: [RunResult]
        if shard != nil {
            // A shard's summary would be partial and race the other shards': `summarize` writes it.
            var byIndex = existing
            for r in trained { byIndex[r.run.index] = r }
            results = byIndex.values.sorted { $0.run.index < $1.run.index }
            if let first = trained.first(where: { $0.plotWarning != nil }) { progress.warn(first.plotWarning!) }
        } else {
            // The summaries show every run complete on disk now, whoever trained it, so that
            // two processes on one folder each leave a summary of everything done so far.
            let lock = try FileLock.acquire(directory.path + "/.summary.lock", wait: true)
            var known = [Int: RunResult]()
            for r in trained where [.completed, .diverged, .stopped].contains(r.status) { known[r.run.index] = r }
            var byIndex = folder.completeOnDisk(data: data, known: known)
            for r in trained where r.status == .failed { byIndex[r.run.index] = r }
            results = byIndex.values.sorted { $0.run.index < $1.run.index }
            try report.write(results, progress: progress, runWarnings: trained.sorted { $0.run.index < $1.run.index }, data: data, drawn: drawn)
            _ = lock
        }
        return Report(results: results, trained: trained.sorted { $0.run.index < $1.run.index }, skipped: existing.count, busy: busy,
                      missing: assignedRuns.count - results.filter { $0.status != .failed }.count,
                      interrupted: cancellation.isInterrupted)
    }
}
