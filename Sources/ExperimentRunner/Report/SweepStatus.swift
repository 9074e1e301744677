import Foundation

/// What `backprop serve` answers at `/api/sweeps/<name>`: how far the sweep is and its ranked
/// configurations, read from the folder as it is now (whichever process writes it), with the
/// same counts and the same table text as the sweep's page.
///
///     {"name": "moons-sweep", "metric": "val_loss", "direction": "lower is better",
///      "runs_total": 12, "runs_completed": 7, "runs_failed": 0, "progress": "7 of 12 runs complete",
///      "summary": [{"rank": 1, "configuration": "…", "mean": 0.31, "std": 0.02, "n": 3, …}, …],
///      "table": {"header": […], "rows": […], "configurations": 4}, "plots_modified": 1765100000.25}
public struct SweepStatus: Sendable {
    public var name: String
    /// The spec's description.
    public var description: String?
    public var progress: SweepProgress
    public var metric: String
    public var direction: String
    public var ranked: [Summary.ConfigurationRow]
    public var table: RankedTable
    /// The newest modification time (seconds since 1970) of the sweep's own figures: the page
    /// reloads its pictures when it changes.
    public var plotsModified: Double

    /// The sweep in `folder` (a folder of the results holding spec.json).
    public init(folder: String) throws {
        let report = try SweepReport.forResults(folder, gnuplot: nil, jobs: 1)
        let results = report.folder.completeResults(data: nil)
        ranked = Summary.ranked(results)
        metric = Summary.rankingMetric(hasValidation: results.contains { $0.hasValidation }, objective: report.plan.objective)
        direction = report.plan.objective.direction
        name = report.plan.name
        description = report.plan.runs.first?.spec.description
        progress = SweepProgress(plan: report.plan, results: results)
        table = RankedTable(results: results, ranked: ranked, metric: metric, directory: report.directory, limit: ReportPage.tableRows)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        plotsModified = files.filter { $0.hasSuffix(".svg") }.compactMap { file -> Double? in
            var s = stat()
            guard lstat(folder + "/" + file, &s) == 0 else { return nil }
            return Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1e9
        }.max() ?? 0
    }

    public var json: JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map { $0.isFinite ? .number($0) : .string("\($0)") } ?? .null }
        let rows: [JSONValue] = ranked.prefix(ReportPage.tableRows).enumerated().map { i, row in
            .object([
                ("rank", .number(i + 1)), ("configuration", .string(row.configurationID)),
                ("mean", number(row.mean)), ("std", number(row.std)), ("n", .number(row.n)),
                ("mean_accuracy", number(row.meanAccuracy)), ("mean_test_accuracy", number(row.meanTestAccuracy)),
                ("runs", .number(row.runs)), ("diverged", .number(row.diverged)), ("failed", .number(row.failed)),
                ("notes", .string(row.notes)),
            ])
        }
        return .object([
            ("name", .string(name)), ("metric", .string(metric)), ("direction", .string(direction)),
            ("runs_total", .number(progress.total)), ("runs_completed", .number(progress.completed)),
            ("runs_failed", .number(progress.failed)), ("progress", .string(progress.text)),
            ("summary", .array(rows)), ("table", table.json), ("plots_modified", .number(plotsModified)),
        ])
    }
}
