import ArgumentParser
import ExperimentRunner
import Foundation

extension PlotPolicy: ExpressibleByArgument {}

struct Run: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Train every run of a spec and write logs, summaries and plots under results/<name>/.",
        discussion: """
            Running a spec again trains only what is missing: runs complete on disk (a status.json \
            saying completed or diverged) are skipped, the others are trained from the start. \
            SIGINT or SIGTERM stops the sweep: no new run starts, runs in flight are abandoned, \
            the summary of what completed is written, and the exit code is 130 (a second \
            signal exits at once). Exit codes: 0 every run completed or diverged, 1 a run \
            failed, 2 invalid spec, data, results folder or command line, 130 interrupted.
            """)

    @OptionGroup var spec: SpecOptions
    var input: InputOptions { spec.input }

    @Option(help: "How many runs train at once (default: the number of cores, \(ProcessInfo.processInfo.activeProcessorCount) here).")
    var jobs: Int?

    @Option(help: "The folder that holds each experiment's results folder.")
    var results: String = "results"

    @Option(help: "Write the results under this name instead of the spec's (results/<name>/): a quick variant beside the real sweep.")
    var name: String?

    @Option(help: "Which plots gnuplot renders: all (each run's too), report (what index.html shows), none. Every .gp script is written; `backprop plot` renders them all later.")
    var plots: PlotPolicy = .report

    @Flag(help: "Print only errors and the path of the summary.")
    var quiet = false

    @Flag(help: "Train every run again, replacing complete runs and runs of another configuration.")
    var force = false

    @Flag(help: "Stop the sweep at the first failed run.")
    var failFast = false

    @Flag(help: "Run a grid of more than 100,000 runs.")
    var yes = false

    @Option(help: ArgumentHelp("Train only the runs whose index (in `backprop plan` order) is i mod n, as Slurm array task i of n does. Shards write no summaries: `backprop summarize` merges them.", valueName: "i/n"))
    var shard: String?

    @Option(help: ArgumentHelp("With --shard, for a spec with a scheduler: train rung step k (from 0) of this shard's runs, after replaying the decisions of the steps before it from the results folder. `backprop slurm` writes one array per step.", valueName: "k"))
    var rung: Int?

    @Option(help: ArgumentHelp("With --shard, for a tpe search: train batch k (from 0) of this shard's runs, after proposing the batches before it again from the runs in the results folder. `backprop slurm` writes one array per batch.", valueName: "k"))
    var batch: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if results.isEmpty { throw ValidationError("--results must name a folder (it is \"\")") }
        if let name, let problem = ExperimentSpec.nameProblem(name) { throw ValidationError("--name \(problem): use ASCII letters, digits, '-', '_', '.' and '+'") }
        if let shard { _ = try Self.parseShard(shard) }
        if rung != nil && shard == nil { throw ValidationError("--rung goes with --shard (a scheduled sweep on shards, rung step by rung step)") }
        if batch != nil && shard == nil { throw ValidationError("--batch goes with --shard (a tpe search on shards, batch by batch)") }
        if let batch, batch < 0 { throw ValidationError("--batch must be 0 or more") }
    }

    static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else {
            throw ValidationError("--shard must be i/n with 0 <= i < n, e.g. 0/4 (got \"\(text)\")")
        }
        return (i, n)
    }

    func run() throws {
        Interruption.stopOnSignals()
        let (directory, report) = try { () throws -> (String, Sweep.Report) in
            let plan = try spec.plan(maximumRuns: yes ? SweepPlan.maximumRuns : 100_000, named: name)
            let gnuplot = Gnuplot.find()
            let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
            var sweep = Sweep(plan: plan, jobs: jobs, resultsRoot: self.results, gnuplot: gnuplot)
            sweep.force = force
            sweep.failFast = failFast
            sweep.cancellation = Interruption.cancellation
            sweep.shard = try shard.map(Self.parseShard)
            sweep.rung = rung
            sweep.searchBatch = batch
            sweep.plots = plots
            let expected = sweep.expectedRuns, configurations = plan.configurationCount * expected / max(plan.runs.count, 1)
            let progress = Progress(style: Progress.automaticStyle(quiet: quiet), total: expected)
            let report = try sweep.run(progress: progress) { skipped, assigned in
                let toTrain = assigned - skipped
                progress.total = toTrain
                if gnuplot == nil && plots != .none { printError("warning: " + Gnuplot.Failure.notInstalled.description) }
                let seeds = plan.runs.count / max(plan.configurationCount, 1)
                var line = "\(plan.name): \(expected) run\(expected == 1 ? "" : "s") (\(configurations) configuration\(configurations == 1 ? "" : "s") × \(seeds) seed\(seeds == 1 ? "" : "s"))"
                if let search = plan.search, plan.isAdaptive { line += "; tpe proposes \(search.batch) trial\(search.batch == 1 ? "" : "s") at a time from the results before" }
                if let shard = sweep.shard { line += "; shard \(shard.index)/\(shard.count)" + (batch.map { ", batch \($0)" } ?? "") + ": \(assigned) of them" }
                if skipped > 0 { line += "; \(skipped) already complete, skipped (--force trains them again)" }
                if toTrain > 0 { line += "; training \(toTrain), \(min(jobs, toTrain)) at once" }
                progress.note(line)
            }
            return (sweep.directory.path, report)
        }()
        if shard != nil {
            print("shard \(shard!) done: \(report.trained.count) trained, \(report.skipped) already complete, \(report.missing) missing; "
                + "merge the shards with: backprop summarize \(directory)")
        } else {
            if !quiet { print("\n" + Summary.shortTable(report.results, limit: 10), terminator: "") }
            print("summary: \(directory)/summary.md\nreport:  \(directory)/index.html")
        }
        if let error = report.writeError {
            printError(error.description)
            throw ExitCode(2)
        }
        if report.busy > 0 { printError("\(report.busy) run\(report.busy == 1 ? " was" : "s were") being trained by another backprop process and left to it") }
        for f in report.failed { printError("\(f.run.id) failed: \(f.message ?? "")") }
        if report.interrupted && report.missing > 0 {
            printError("interrupted: \(report.missing) run\(report.missing == 1 ? "" : "s") not complete; run the same command again to finish them")
            throw ExitCode(130)
        }
        if !report.failed.isEmpty { throw ExitCode(1) }
    }
}
