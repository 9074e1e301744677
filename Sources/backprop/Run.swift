import ArgumentParser
import ExperimentRunner
import Foundation

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train every run of a spec and write logs, summaries and plots under results/<name>/.")

    @OptionGroup var spec: SpecOptions

    @Option(help: "How many runs train at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The folder that holds each experiment's results folder.")
    var results: String = "results"

    @Flag(help: "Print only errors and the path of the summary.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        let results = try await reportingInputErrors { () async throws -> (String, [RunResult]) in
            let plan = try spec.plan()
            let gnuplot = Gnuplot.find()
            let sweep = Sweep(plan: plan, jobs: jobs, resultsRoot: self.results, gnuplot: gnuplot)
            let progress = Progress(style: Progress.automaticStyle(quiet: quiet), total: plan.runs.count)
            if gnuplot == nil { printError("warning: " + Gnuplot.Failure.notInstalled.description) }
            progress.note("\(plan.name): \(plan.runs.count) run\(plan.runs.count == 1 ? "" : "s") (\(plan.configurationCount) configuration\(plan.configurationCount == 1 ? "" : "s") × \(plan.runs.count / max(plan.configurationCount, 1)) seed\(plan.runs.count / max(plan.configurationCount, 1) == 1 ? "" : "s")), \(min(jobs, plan.runs.count)) at once")
            return (sweep.directory.path, try await sweep.run(progress: progress))
        }
        let (directory, runs) = results
        if !quiet, let summary = try? String(contentsOfFile: directory + "/summary.md", encoding: .utf8) {
            print("\n" + summary)
        }
        print("summary: \(directory)/summary.md")
        let failed = runs.filter { $0.status == .failed }
        for f in failed { printError("\(f.run.id) failed: \(f.message ?? "")") }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
