import Foundation

/// summary.csv and summary.md: one row per run, and configurations ranked across seeds.
public enum Summary {
    /// The metric configurations are ranked by, as every report names it: the objective's
    /// (by default the kept network's validation loss, `val_loss`, or its training loss,
    /// `train_loss`, without a validation set). The kept network is the restored epoch's
    /// under early stopping, else the last epoch's.
    public static func rankingMetric(hasValidation: Bool, objective: Objective = Objective()) -> String {
        objective.name(hasValidation: hasValidation)
    }

    /// The objective of the runs' sweep (every run of a plan carries the same).
    static func objective(_ results: [RunResult]) -> Objective { results.first?.run.objective ?? Objective() }

    /// One row per run: run_id, each swept field, seed, status, epochs, then the kept
    /// network's epoch and metrics (`train_loss`, `val_loss`, `train_accuracy`,
    /// `val_accuracy`: what summary.md ranks by and shows), the last epoch's (`final_*`), the
    /// best validation loss and its epoch, test loss and accuracy (of the kept network), the
    /// early-stopping epoch, seconds and the message.
    public static func csv(_ results: [RunResult], axes: [GridAxis]) -> String {
        var out = CSV.line(["run_id"] + axes.map(\.path.description) + [
            "seed", "status", "epochs", "kept_epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy",
            "final_train_loss", "final_val_loss", "final_train_accuracy", "final_val_accuracy", "best_val_loss", "best_val_epoch",
            "test_loss", "test_accuracy", "stopped_epoch", "seconds", "message",
        ])
        for r in results.sorted(by: { $0.run.index < $1.run.index }) {
            let values = r.run.swept.map { sweptText($0.value) }
            let best = r.best, kept = r.kept, final = r.final
            out += CSV.line([r.run.id] + values + [
                String(r.run.seed), r.status.rawValue, String(r.epochs), kept.map { String($0.epoch) } ?? "",
                CSV.number(kept?.trainLoss), CSV.number(kept?.validationLoss),
                CSV.number(kept?.trainAccuracy), CSV.number(kept?.validationAccuracy),
                CSV.number(final?.trainLoss), CSV.number(final?.validationLoss),
                CSV.number(final?.trainAccuracy), CSV.number(final?.validationAccuracy),
                CSV.number(best?.loss), best.map { String($0.epoch) } ?? "",
                CSV.number(r.test?.loss), CSV.number(r.test?.accuracy), r.stoppedEpoch.map(String.init) ?? "",
                String(format: "%.3f", r.seconds), r.message ?? "",
            ])
        }
        return out
    }

    static func sweptText(_ v: JSONValue) -> String {
        if case let .string(s) = v { return s }
        return v.serialized(indent: nil)
    }

    /// A configuration's runs, summarised across seeds: the one set of per-configuration
    /// figures that summary.md, index.html, the heatmap and the plots all show.
    ///
    /// The rule for diverged and failed seeds: every statistic is over the seeds that
    /// completed (`n`), and says how many diverged or failed. A configuration with any
    /// diverged or failed seed ranks after every configuration without; one with no
    /// completed seed has no value and ranks last.
    public struct ConfigurationRow: Sendable {
        public var configurationID: String
        public var index: Int
        public var swept: [(label: String, value: JSONValue)]
        /// The ranking metric of each completed run's kept network (see `rankingMetric`).
        public var losses: [Double]
        /// The kept network's validation accuracy (training accuracy without a validation
        /// set) of each completed run.
        public var accuracies: [Double]
        /// Test accuracies of the kept networks, when the dataset has a test set.
        public var testAccuracies: [Double] = []
        /// Each of the sweep's `objectives`' values, one per completed run (the first's are `losses`).
        public var objectiveValues: [[Double]] = []
        /// Each objective's mean over the completed runs: what trials.csv, pareto.csv and the
        /// page show, and what multi-objective TPE learns from.
        public var objectiveMeans: [Double?] { objectiveValues.map { Statistics.mean($0) } }
        public var runs: Int
        public var diverged: Int
        public var failed: Int
        /// Seeds the sweep's scheduler stopped at a rung, and the last epoch they trained.
        public var stopped = 0
        public var stoppedAt: Int? = nil
        /// Completed seeds: what every statistic is over.
        public var n: Int { losses.count }
        public var mean: Double? { Statistics.mean(losses) }
        public var std: Double? { Statistics.standardDeviation(losses) }
        public var meanAccuracy: Double? { Statistics.mean(accuracies) }
        public var meanTestAccuracy: Double? { Statistics.mean(testAccuracies) }
        /// Some seed diverged or failed.
        public var troubled: Bool { diverged + failed > 0 }

        /// "2 diverged, 1 failed", or "" when every seed completed.
        public var notes: String {
            var notes = [String]()
            if diverged > 0 { notes.append("\(diverged) diverged") }
            if failed > 0 { notes.append("\(failed) failed") }
            if stopped > 0, let e = stoppedAt { notes.append("stopped at epoch \(e)") }
            return notes.joined(separator: ", ")
        }

        /// "0.0123 ± 0.0040", "0.0123 ± —" for one seed, "—" without a completed seed.
        public var meanText: String {
            guard let m = mean else { return "—" }
            return "\(format(m)) ± \(std.map(format) ?? "—")"
        }

        public var meanAccuracyText: String { meanAccuracy.map(percent) ?? "—" }
        public var meanTestAccuracyText: String { meanTestAccuracy.map(percent) ?? "—" }
    }

    /// A fraction as a percentage with two decimals: "97.50%".
    public static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }

    /// Configurations ranked by the mean of the ranking metric, lowest first: those whose
    /// every seed completed, then those with some diverged or failed seeds, then those with
    /// no completed seed (see `ConfigurationRow`).
    public static func ranked(_ results: [RunResult]) -> [ConfigurationRow] {
        let objective = objective(results)
        let objectives = results.first?.run.objectives ?? [objective]
        var rows = [Int: ConfigurationRow]()
        for r in results {
            var row = rows[r.run.configurationIndex] ?? ConfigurationRow(
                configurationID: r.run.configurationID, index: r.run.configurationIndex, swept: r.run.swept,
                losses: [], accuracies: [], objectiveValues: objectives.map { _ in [] }, runs: 0, diverged: 0, failed: 0)
            row.runs += 1
            if r.status == .completed || r.status == .stopped, r.finalRankingLoss != nil {
                for (k, o) in objectives.enumerated() { if let v = o.value(of: r) { row.objectiveValues[k].append(v) } }
            }
            switch r.status {
            case .completed:
                if let l = r.finalRankingLoss { row.losses.append(l) }
                if let a = r.kept?.validationAccuracy ?? r.kept?.trainAccuracy { row.accuracies.append(a) }
                if let a = r.test?.accuracy { row.testAccuracies.append(a) }
            case .stopped:
                // Its value at the rung it stopped at: shown, never ranked with the finished.
                if let l = r.finalRankingLoss { row.losses.append(l) }
                if let a = r.kept?.validationAccuracy ?? r.kept?.trainAccuracy { row.accuracies.append(a) }
                row.stopped += 1
                row.stoppedAt = r.epochs
            case .diverged: row.diverged += 1
            case .failed, .interrupted, .busy, .paused: row.failed += 1
            }
            rows[r.run.configurationIndex] = row
        }
        func group(_ row: ConfigurationRow) -> Int { row.mean == nil ? 3 : row.troubled ? 2 : row.stopped > 0 ? 1 : 0 }
        return rows.values.sorted { a, b in
            if group(a) != group(b) { return group(a) < group(b) }
            // Stopped configurations: the later their rung, the better (then by value).
            if a.stopped > 0, b.stopped > 0, a.stoppedAt != b.stoppedAt { return (a.stoppedAt ?? 0) > (b.stoppedAt ?? 0) }
            if let am = a.mean, let bm = b.mean, am != bm { return objective.isBetter(am, than: bm) }
            return a.index < b.index
        }
    }

    /// The best configuration's confusion matrix and per-class figures, on a held-out set.
    public struct BestClassification: Sendable {
        /// The run whose kept network it is (the best seed of the best configuration).
        public var run: String
        /// "test", else "validation".
        public var set: String
        public var report: ClassificationReport
    }

    /// What a ranked table of these runs shows: its rows, which columns the runs have, and the
    /// ranking metric's name (summary.md's and summary.tex's tables alike).
    public struct Table {
        public var ranked: [ConfigurationRow]
        public var validation: Bool, accuracy: Bool, testAccuracy: Bool
        public var metric: String

        public init(_ results: [RunResult], plan: SweepPlan) {
            ranked = Summary.ranked(results)
            validation = results.contains { $0.hasValidation }
            accuracy = results.contains { $0.hasAccuracy }
            testAccuracy = results.contains { $0.test?.accuracy != nil }
            metric = rankingMetric(hasValidation: validation, objective: plan.objective)
        }
    }

    /// summary.md: the ranked table, as GitHub-flavoured Markdown.
    /// - Parameter importance: `Importance(plan:ranked:)` of these results, computed once by the caller.
    public static func markdown(_ results: [RunResult], plan: SweepPlan, classification: BestClassification? = nil,
                                importance: Importance? = nil) -> String {
        let table = Table(results, plan: plan)
        let (ranked, validation, accuracy, testAccuracy, metric) = (table.ranked, table.validation, table.accuracy, table.testAccuracy, table.metric)
        let seeds = plan.seedCount
        var out = "# \(plan.name)\n\n"
        if let d = plan.runs.first?.spec.description { out += d + "\n\n" }
        out += "\(plan.configurationCount) configuration\(plan.configurationCount == 1 ? "" : "s") × \(seeds) seed\(seeds == 1 ? "" : "s"), "
        out += "ranked by mean \(metric) across seeds (\(plan.objective.direction)). " + rankingExplanation(metric, scheduled: plan.scheduler != nil) + "\n\n"
        let progress = SweepProgress(plan: plan, results: results)
        if progress.completed < progress.total {
            out += "**\(progress.text)**: run the same command again to train the rest.\n\n"
        }
        var header = ["rank", "configuration", "\(metric) (mean ± std)", "min", "max", "n"]
        if accuracy { header.append(validation ? "val_accuracy (mean)" : "train_accuracy (mean)") }
        if testAccuracy { header.append("test_accuracy (mean)") }
        header.append("notes")
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { h in h == "configuration" || h == "notes" ? "---|" : "---:|" }.joined() + "\n"
        for (i, row) in ranked.enumerated() {
            var cells = [String(i + 1), "`\(row.configurationID)`", row.meanText,
                         row.losses.min().map(format) ?? "—", row.losses.max().map(format) ?? "—", String(row.n)]
            if accuracy { cells.append(row.meanAccuracyText) }
            if testAccuracy { cells.append(row.meanTestAccuracyText) }
            cells.append(row.notes)
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if let pareto = ParetoReport(plan: plan, ranked: ranked, hasValidation: validation) {
            out += "\n## Pareto front\n\n" + pareto.markdown
        }
        if let cost = searchCost(results, plan: plan) { out += "\n## Search cost\n\n" + cost + "\n" }
        let paired = PairedComparison.againstBest(results, ranked: ranked)
        if !paired.isEmpty {
            out += "\n## Paired comparisons\n\n"
            out += "Seed by seed against the best configuration, on the \(metric) (difference: other − best). "
            out += "Runs with the same seed start from the same weights, so the paired difference is the configuration's alone.\n\n"
            for p in paired { out += "- " + p.sentence + "\n" }
        }
        if let importance {
            out += "\n## Which parameters mattered\n\n" + importance.method + "\n\n" + importance.markdown
        }
        if let c = classification {
            out += "\n## The best configuration on the \(c.set) set\n\n"
            out += "`\(c.run)`: the best seed of the best configuration, its kept network. classes.csv has these figures.\n\n" + c.report.markdown
        }
        return out
    }

    /// What a scheduler saved: its rungs, the runs stopped at each, and the epochs trained
    /// against the full grid's (every run to training.epochs); nil without a scheduler.
    public static func searchCost(_ results: [RunResult], plan: SweepPlan) -> String? {
        guard let s = plan.scheduler, let epochs = plan.runs.first?.spec.training.epochs else { return nil }
        let rungs = Set(s.brackets(configurations: plan.configurationCount, epochs: epochs).flatMap(\.rungs)).sorted()
        var out = "\(s.name.rawValue)"
        switch s.name {
        case .successiveHalving, .hyperband: out += " (min_epochs \(s.minEpochs), reduction \(s.reduction))"
        case .median: out += " (grace_epochs \(s.graceEpochs))"
        }
        out += ": rungs at epochs " + rungs.map(String.init).joined(separator: ", ") + ". "
        let stopped = Dictionary(grouping: results.filter { $0.status == .stopped }, by: \.epochs)
        out += "\(results.count) of \(plan.runs.count) runs started"
        if !stopped.isEmpty {
            out += "; stopped " + stopped.keys.sorted().map { "\(stopped[$0]!.count) at epoch \($0)" }.joined(separator: ", ")
        }
        let ended = results.filter { $0.status != .stopped }.count
        out += "; \(ended) trained to their end (or diverged, stopped early or failed). "
        let trained = results.reduce(0) { $0 + $1.epochs }, full = plan.runs.count * epochs
        out += "\(PlanReport.grouped(trained)) epochs trained, summed over runs, against \(PlanReport.grouped(full)) for the full grid "
        out += "(\(plan.runs.count) runs × \(epochs))" + (full > 0 ? String(format: ": %.1f%%.", Double(trained) / Double(full) * 100) : ".")
        if plan.isAdaptive, let search = plan.search {
            out += " BOHB: each batch of \(search.batch) trials is scheduled among itself, and TPE proposes the next from the highest rung "
            out += "that \(search.startupTrials) trials reached (random until one has)."
        }
        return out
    }

    /// What the ranking metric and n mean, in one sentence for summary.md and the page.
    public static func rankingExplanation(_ metric: String, scheduled: Bool = false) -> String {
        "\(metric) is the kept network's: the restored epoch's under early stopping, else the last epoch's (summary.csv's "
            + "\(metric) column). Statistics are over the seeds that completed (n); "
            + (scheduled ? "configurations the scheduler stopped rank after those that finished (the later their rung, the higher; their "
                + "statistics are at that rung), " : "")
            + "configurations with diverged or failed seeds rank after all others, and those with none completed last."
    }

    /// What `run` prints at the end: the best `limit` configurations with their mean ranking
    /// metric, and how many more summary.md holds.
    public static func shortTable(_ results: [RunResult], limit: Int) -> String {
        let ranked = ranked(results)
        guard !ranked.isEmpty else { return "" }
        let metric = rankingMetric(hasValidation: results.contains { $0.hasValidation }, objective: objective(results))
        let accuracy = results.contains { $0.hasAccuracy }
        let rows = ranked.prefix(limit).enumerated().map { i, row in
            [String(i + 1), row.configurationID, row.meanText, String(row.n)] + (accuracy ? [row.meanAccuracyText] : []) + [row.notes]
        }
        let header = ["rank", "configuration", "\(metric) (mean ± std)", "n"] + (accuracy ? ["accuracy"] : []) + ["notes"]
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            let text = cells.enumerated().map { c, text in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return c == 1 || c == cells.count - 1 ? text + pad : pad + text
            }.joined(separator: "  ")
            return String(text.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        var out = line(header)
        for r in rows { out += line(r) }
        if ranked.count > limit { out += "... \(ranked.count - limit) more configurations in summary.md\n" }
        return out
    }

    /// Four significant digits, in the form that reads best for the magnitude.
    public static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        if !v.isFinite { return "\(v)" }
        let a = abs(v)
        return a >= 1e-3 && a < 1e5 ? String(format: "%.4g", v) : String(format: "%.3e", v)
    }
}
