import BackpropCore
import Foundation
import Synchronization

/// A sweep's reports, written from its runs' results: pure functions (`Summary`, `Curves`,
/// `Heatmap`, `GnuplotScript`, `ReportPage`) turned into files, and plots rendered.
public struct SweepReport: Sendable {
    public let folder: SweepFolder
    /// nil: plots are skipped (the CSVs and .gp scripts are still written).
    public let gnuplot: Gnuplot?
    /// How many plots render at once.
    public let jobs: Int
    public let plots: PlotPolicy

    public init(folder: SweepFolder, gnuplot: Gnuplot?, jobs: Int, plots: PlotPolicy = .report) {
        self.folder = folder
        self.gnuplot = gnuplot
        self.jobs = max(jobs, 1)
        self.plots = plots
    }

    /// gnuplot, when the policy renders anything.
    var renderer: Gnuplot? { plots == .none ? nil : gnuplot }

    public var plan: SweepPlan { folder.plan }
    public var directory: ResultsDirectory { folder.directory }

    /// Everything written across runs: summary.csv and summary.md, curves.csv, the loss and
    /// (for classification) accuracy plots, the heatmap over two grid axes, a decision
    /// boundary in the best run of each configuration for 2-D data, and index.html. A plot
    /// gnuplot cannot draw is a warning, through `progress`, never a lost result. Plots are
    /// rendered side by side, one per core.
    /// - Parameter drawn: configurations whose decision boundary is already drawn (index ->
    ///   run id), by `run` as each configuration finished.
    /// Returns how many plots gnuplot rendered and how many it could not.
    @discardableResult
    public func write(_ results: [RunResult], progress: Progress, runWarnings: [RunResult] = [],
                               data: [Int: LoadedData]? = nil, drawn: [Int: String] = [:]) throws -> PlotTally {
        let dir = directory.path
        let ranked = Summary.ranked(results)
        let classification = data.flatMap { bestClassification(results, ranked: ranked, data: $0) }
        let importance = Importance(plan: plan, ranked: ranked)
        try ResultsDirectory.writeAtomically(Summary.csv(results, axes: plan.sweptAxes), to: dir + "/summary.csv")
        try ResultsDirectory.writeAtomically(Summary.markdown(results, plan: plan, classification: classification, importance: importance),
                                             to: dir + "/summary.md")
        try ResultsDirectory.writeAtomically(Summary.latex(results, plan: plan), to: dir + "/summary.tex")
        let hasValidation = results.contains { $0.hasValidation }, hasAccuracy = results.contains { $0.hasAccuracy }
        let table = Curves.table(results, configurations: ranked, hasValidation: hasValidation)
        try ResultsDirectory.writeAtomically(table.csv, to: dir + "/curves.csv")
        let shown = Self.drawnCurves(ranked, limit: plan.reportCurves)
        let seeds = plan.seedCount
        func title(_ what: String) -> String {
            var t = "\(plan.name): \(what), mean over the completed seeds (of \(seeds))"
            if !plan.sweptAxes.isEmpty { t += "; swept: " + plan.sweptAxes.map(\.label).joined(separator: ", ") }
            return t
        }
        func curves(_ columns: [Int]) -> [GnuplotScript.Curve] {
            shown.map { i in
                let row = ranked[i]
                let mark = row.troubled ? "; \(row.notes)" : ""
                return GnuplotScript.Curve(label: "\(row.configurationID) (n=\(row.n)\(mark))", column: columns[i],
                                          countColumn: table.countColumns[i], seeds: row.n)
            }
        }
        var plots = [(directory: String, name: String, script: String)]()
        let loss = plan.runs.first?.spec.loss.rawValue ?? ""
        plots.append((dir, "loss", GnuplotScript.sweepCurves(.loss(name: loss), title: title("loss"), curves: curves(table.columns),
                                                              hasValidation: hasValidation, logScale: GnuplotScript.wantsLogScale(table.allValues),
                                                              omitted: ranked.count - shown.count, figures: plan.figures)))
        if hasAccuracy {
            plots.append((dir, "accuracy", GnuplotScript.sweepCurves(.accuracy, title: title("accuracy"), curves: curves(table.accuracyColumns),
                                                                      hasValidation: hasValidation, logScale: false, omitted: ranked.count - shown.count, figures: plan.figures)))
        }
        if let heatmap = Heatmap(plan: plan, ranked: ranked, accuracy: hasAccuracy) {
            try ResultsDirectory.writeAtomically(heatmap.csv, to: dir + "/heatmap.csv")
            plots.append((dir, "heatmap", heatmap.script(experiment: plan.name, seeds: seeds, metric: Summary.rankingMetric(hasValidation: hasValidation, objective: plan.objective), figures: plan.figures)))
        }
        let metric = Summary.rankingMetric(hasValidation: hasValidation, objective: plan.objective)
        if let s = plan.scheduler, let epochs = plan.runs.first?.spec.training.epochs {
            try ResultsDirectory.writeAtomically(SearchPlots.rungsCSV(results, ranked: ranked), to: dir + "/rungs.csv")
            let rungs = Set(s.brackets(configurations: plan.configurationCount, epochs: epochs).flatMap(\.rungs)).sorted()
            let isLoss = !(metric.hasSuffix("accuracy"))
            plots.append((dir, "rungs", SearchPlots.rungsScript(
                title: "\(plan.name): \(metric) by epoch until \(s.name.rawValue) stopped it; best in colour",
                metric: metric, configurations: ranked.count, rungs: rungs.dropLast(),
                logScale: isLoss && GnuplotScript.wantsLogScale(ranked.compactMap(\.mean)), figures: plan.figures)))
        }
        if let csv = SearchPlots.trialsCSV(plan, ranked: ranked, hasValidation: hasValidation) {
            try ResultsDirectory.writeAtomically(csv, to: dir + "/trials.csv")
            if let script = SearchPlots.trialsScript(plan, title: "\(plan.name): \(metric) (mean over seeds) against each searched field; hollow: stopped by the scheduler", metric: metric, figures: plan.figures) {
                plots.append((dir, "trials", script))
            }
        }
        if let pareto = ParetoReport(plan: plan, ranked: ranked, hasValidation: hasValidation) {
            try ResultsDirectory.writeAtomically(SearchPlots.trialsCSV(plan, ranked: ranked, hasValidation: hasValidation, rows: pareto.front)!,
                                                 to: dir + "/pareto.csv")
            let logScale = plan.objectives.indices.map { k in
                !(pareto.names[k].hasSuffix("accuracy")) && GnuplotScript.wantsLogScale(ranked.compactMap { $0.objectiveMeans[k] })
            }
            plots.append((dir, "pareto", pareto.script(title: "\(plan.name): the Pareto front (in colour) over every configuration",
                                                       column: { SearchPlots.objectiveColumn(plan, $0) }, logScale: logScale, figures: plan.figures)))
        }
        if let csv = SearchPlots.historyCSV(plan, ranked: ranked) {
            try ResultsDirectory.writeAtomically(csv, to: dir + "/history.csv")
            let isLoss = plan.objective.mode == .min
            plots.append((dir, "history", SearchPlots.historyScript(title: "\(plan.name): \(metric) of each configuration in the order the search made them, and the best so far",
                                                                  metric: metric, logScale: isLoss && GnuplotScript.wantsLogScale(ranked.compactMap(\.mean)), figures: plan.figures)))
        }
        if let c = classification {
            try ResultsDirectory.writeAtomically(c.report.csv, to: dir + "/classes.csv")
            try ResultsDirectory.writeAtomically(AnalysisPlots.confusionCSV(c.report), to: dir + "/confusion.csv")
            plots.append((dir, "confusion", AnalysisPlots.confusionScript(c.report, title: "\(plan.name): confusion matrix of \(c.run) on the \(c.set) set", figures: plan.figures)))
        }
        if let importance {
            try ResultsDirectory.writeAtomically(importance.csv, to: dir + "/importance.csv")
            plots.append((dir, "importance", AnalysisPlots.importanceScript(
                title: "\(plan.name): share of the variance of the mean \(metric) explained by each parameter" + (importance.exact ? "" : " (estimated)"), figures: plan.figures)))
        }
        if let csv = AnalysisPlots.parameterCSV(plan, ranked: ranked),
           let script = AnalysisPlots.parameterScript(plan, ranked: ranked, title: "\(plan.name): \(metric) against \(plan.sweptAxes[0].label), over the completed seeds", metric: metric, figures: plan.figures) {
            try ResultsDirectory.writeAtomically(csv, to: dir + "/parameter.csv")
            plots.append((dir, "parameter", script))
        }
        if let csv = AnalysisPlots.parallelCSV(plan, ranked: ranked),
           let script = AnalysisPlots.parallelScript(plan, ranked: ranked, title: "\(plan.name): every configuration across the swept parameters, coloured by its mean \(metric)",
                                                     metric: metric, lowerIsBetter: plan.objective.mode == .min, figures: plan.figures) {
            try ResultsDirectory.writeAtomically(csv, to: dir + "/parallel.csv")
            plots.append((dir, "parallel", script))
        }
        var boundaries = [String: String]()  // configuration id -> its best run's id
        // With --plots all, every configuration's; else those of the configurations the
        // loss plot draws (the page names the others).
        let boundaryRows = self.plots == .all ? ranked[...] : ArraySlice(shown.map { ranked[$0] })
        for row in boundaryRows {
            if let id = drawn[row.index] {
                boundaries[row.configurationID] = id
            } else if let data, let (id, script) = try boundary(of: results.filter { $0.run.configurationIndex == row.index }, data: data) {
                boundaries[row.configurationID] = id
                plots.append((directory.runPath(id), "boundary", script))
            }
        }
        for plot in plots { try ResultsDirectory.writeAtomically(plot.script, to: plot.directory + "/" + plot.name + ".gp") }
        if self.plots == .report {
            // The gallery's runs: the first run of each of the best `report.curves`
            // configurations that logged diagnostics (their scripts are written already).
            var shown = 0
            var diagnosed = [Int: RunResult]()  // configuration -> its first run with diagnostics
            for r in results where r.rows.first?.diagnostics != nil && diagnosed[r.run.configurationIndex] == nil {
                diagnosed[r.run.configurationIndex] = r
            }
            for row in ranked where shown < plan.reportCurves {
                guard let r = diagnosed[row.index], let script = runScripts(r).first(where: { $0.name == "diagnostics" })?.script else { continue }
                try ResultsDirectory.writeAtomically(script, to: directory.runPath(r.run.id) + "/diagnostics.gp")
                plots.append((directory.runPath(r.run.id), "diagnostics", script))
                shown += 1
            }
        }
        var tally = PlotTally(rendered: 0, failed: 0)
        if let gnuplot = renderer {
            let failures = Mutex([Int: String]()), all = plots
            WorkerPool.run(Array(all.indices), workers: jobs) { i, _ in
                do { try gnuplot.render(file: all[i].directory + "/" + all[i].name + ".gp") } catch {
                    failures.withLock { $0[i] = "\(all[i].directory)/\(all[i].name).gp: \(error)" }
                }
            }
            let failed = failures.withLock({ $0 }).sorted(by: { $0.key < $1.key })
            for (_, f) in failed { progress.warn(f) }
            tally = PlotTally(rendered: all.count - failed.count, failed: failed.count)
        }
        if let first = runWarnings.first(where: { $0.plotWarning != nil }) {
            let more = runWarnings.filter { $0.plotWarning != nil }.count - 1
            progress.warn(first.plotWarning! + (more > 0 ? " (and \(more) more run plots)" : ""))
        }
        let page = ReportPage(report: self, results: results, ranked: ranked, plots: plots.map { ($0.directory, $0.name) }, classification: classification, importance: importance,
                              boundaries: boundaries, heatmap: plots.contains { $0.name == "heatmap" }, drawn: shown)
        try ResultsDirectory.writeAtomically(page.html, to: dir + "/index.html")
        return tally
    }

    /// How many plots a report rendered, and how many gnuplot failed on.
    public struct PlotTally: Sendable, Equatable {
        public var rendered: Int
        public var failed: Int
    }

    /// The best configuration's classification of the test set (else validation): its best
    /// completed seed's kept network (model.json), as the decision boundary picks it. nil
    /// for regression, without a held-out set, or when nothing completed.
    func bestClassification(_ results: [RunResult], ranked: [Summary.ConfigurationRow], data: [Int: LoadedData])
        -> Summary.BestClassification? {
        guard let best = ranked.first(where: { $0.n > 0 && !$0.troubled }) else { return nil }
        let objective = plan.objective
        let chosen = results.filter { $0.run.configurationIndex == best.index && $0.status == .completed && $0.finalRankingLoss != nil }
            .min { objective.isBetter($0.finalRankingLoss!, than: $1.finalRankingLoss!) }
        guard let chosen, let loaded = data[chosen.run.index],
              let bytes = try? readFile(directory.runPath(chosen.run.id) + "/model.json"), let json = try? JSONParser.parse(bytes),
              let (set, report) = loaded.splits.classification(of: json, architecture: chosen.run.spec.model.layers) else { return nil }
        return Summary.BestClassification(run: chosen.run.id, set: set, report: report)
    }

    /// The ranked configurations (indices into `ranked`) the sweep plots draw: the best
    /// `limit` that have a completed seed; the page lists the others.
    static func drawnCurves(_ ranked: [Summary.ConfigurationRow], limit: Int) -> [Int] {
        Array(ranked.indices.filter { ranked[$0].n > 0 }.prefix(limit))
    }

    /// For 2-D classification data, a configuration's best completed run gets boundary.csv
    /// and points.csv. Returns the run's id and the script (not yet written), or nil.
    func boundary(of runs: [RunResult], data: [Int: LoadedData]) throws -> (String, String)? {
        let seeds = plan.seedCount
        let completed = runs.filter { $0.status == .completed && $0.finalRankingLoss != nil }
        guard let best = completed.min(by: { plan.objective.isBetter($0.finalRankingLoss!, than: $1.finalRankingLoss!) }), let d = data[best.run.index],
              d.features == 2 else { return nil }
        let training = d.trainingAsDouble
        guard let classes = training.classNames?.count, training.labels != nil else { return nil }
        let runDir = directory.runPath(best.run.id)
        guard let text = try? readText(runDir + "/model.json"),
              let json = try? JSONParser.parse(Array(text.utf8)),
              let network = ModelFile.network(json, inputs: 2, architecture: best.run.spec.model.layers),
              network.outputs == classes || (network.outputs == 1 && classes == 2),
              let csvs = DecisionBoundary.csvs(network: network, points: training) else { return nil }
        try ResultsDirectory.writeAtomically(csvs.boundary, to: runDir + "/boundary.csv")
        try ResultsDirectory.writeAtomically(csvs.points, to: runDir + "/points.csv")
        let normalized = best.run.spec.dataset.normalize != .none
        let script = GnuplotScript.boundary(
            title: "\(plan.name): \(best.run.id)\nthe best of its configuration's \(completed.count) of \(seeds) seed\(seeds == 1 ? "" : "s"); training points on top",
            classes: max(classes, 2), xLabel: "x1" + (normalized ? " (normalised)" : ""), yLabel: "x2" + (normalized ? " (normalised)" : ""), figures: plan.figures)
        return (best.run.id, script)
    }

    /// Draws a configuration's decision boundary now (script and picture); returns its run id.
    /// `run` queues it once a configuration's last run finishes, so that the drawing overlaps
    /// the training of the last runs instead of waiting for the end.
    func drawBoundary(of runs: [RunResult], data: [Int: LoadedData]) -> String? {
        guard let (id, script) = try? boundary(of: runs, data: data) else { return nil }
        let dir = directory.runPath(id)
        guard (try? ResultsDirectory.writeAtomically(script, to: dir + "/boundary.gp")) != nil else { return nil }
        if let gnuplot = renderer { guard (try? gnuplot.render(file: dir + "/boundary.gp")) != nil else { return nil } }
        return id
    }
}
