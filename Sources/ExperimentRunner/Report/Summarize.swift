import BackpropCore
import Foundation

/// `backprop summarize results/<name>`: the summaries, plots and report page rebuilt from
/// every run complete on disk, whichever process or Slurm shard wrote it.
extension SweepReport {
    /// The report of the sweep a results folder holds, from its spec.json.
    public static func forResults(_ folder: String, gnuplot: Gnuplot? = Gnuplot.find(),
                                   jobs: Int = ProcessInfo.processInfo.activeProcessorCount, plots: PlotPolicy = .report) throws -> SweepReport {
        let path = URL(fileURLWithPath: folder).standardizedFileURL
        let specFile = path.appendingPathComponent("spec.json").path
        guard FileManager.default.fileExists(atPath: specFile) else {
            throw ResultsError(path: folder, message: "not a results folder: no spec.json (shard 0 or a plain run writes it)")
        }
        let loaded = try SweepPlan.load(file: specFile)
        guard loaded.name == path.lastPathComponent else {
            throw SpecError(file: specFile, path: "name", message: "names \"\(loaded.name)\", but the folder is \"\(path.lastPathComponent)\"")
        }
        let directory = ResultsDirectory(root: path.deletingLastPathComponent().path, name: loaded.name)
        // A TPE search's later trials are proposed from its earlier results: replayed from the
        // runs on disk, batch by batch, as far as they go.
        let replayed = try loaded.replayed(in: directory)
        let plan = replayed
        return SweepReport(folder: SweepFolder(plan: plan, directory: directory), gnuplot: gnuplot, jobs: jobs, plots: plots)
    }

    /// Writes the summaries from the runs complete on disk; returns (complete, missing).
    /// Decision boundaries need the data: when it cannot be built here, they are left out
    /// with a warning.
    public func summarize(progress: Progress) throws -> (complete: Int, missing: Int) {
        let s = try summarize(progress: progress, runPlots: false)
        return (s.complete, s.missing)
    }

    /// `backprop plot`: the summaries as `summarize` writes them, and every plot script of the
    /// sweep and of each complete run written anew from the results and rendered (with
    /// `plots: .all`). A script found in the folder is never what gets rendered: it may come
    /// from whoever handed the folder over.
    public func replot(progress: Progress) throws -> PlotTally {
        try summarize(progress: progress, runPlots: true).tally
    }

    private func summarize(progress: Progress, runPlots: Bool) throws -> (complete: Int, missing: Int, tally: PlotTally) {
        try directory.refuseLinks()
        let lock = try FileLock.acquire(directory.path + "/.summary.lock", wait: true)
        defer { _ = lock }
        var data: [Int: LoadedData]?
        do { data = try plan.buildData() } catch { progress.warn("the data cannot be built here (\(error)): no decision boundaries, and runs are not checked against the data") }
        let results = folder.completeResults(data: data)
        var tally = try write(results, progress: progress, data: data)
        if runPlots {
            for result in results {
                let scripts = runScripts(result).count
                if let failure = try writeRunPlots(result) {
                    progress.warn(failure)
                    tally.failed += 1
                    tally.rendered += scripts - 1
                } else if renderer != nil && plots == .all {
                    tally.rendered += scripts
                }
            }
        }
        return (results.count, plan.runs.count - results.count, tally)
    }
}
