import Foundation

/// summary.csv and summary.md: one row per run, and configurations ranked across seeds.
public enum Summary {
    /// One row per run: run_id, each swept field, seed, status, epochs, final losses, best
    /// validation loss and its epoch, final accuracies, test loss and accuracy (of the kept
    /// network, on the dataset's own test set), the early-stopping epoch, seconds.
    public static func csv(_ results: [RunResult], axes: [GridAxis]) -> String {
        var out = CSV.line(["run_id"] + axes.map(\.path.description) + [
            "seed", "status", "epochs", "final_train_loss", "final_val_loss", "best_val_loss", "best_val_epoch",
            "final_train_accuracy", "final_val_accuracy", "test_loss", "test_accuracy", "stopped_epoch", "seconds", "message",
        ])
        for r in results.sorted(by: { $0.run.index < $1.run.index }) {
            let values = r.run.swept.map { sweptText($0.value) }
            let best = r.best
            out += CSV.line([r.run.id] + values + [
                String(r.run.seed), r.status.rawValue, String(r.epochs),
                CSV.number(r.final?.trainLoss), CSV.number(r.final?.validationLoss),
                CSV.number(best?.loss), best.map { String($0.epoch) } ?? "",
                CSV.number(r.final?.trainAccuracy), CSV.number(r.final?.validationAccuracy),
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

    /// A configuration's runs, summarised across seeds.
    public struct ConfigurationRow: Sendable {
        public var configurationID: String
        public var index: Int
        public var swept: [(label: String, value: JSONValue)]
        /// The final validation losses (training losses without a validation set) of the
        /// runs that completed.
        public var losses: [Double]
        public var accuracies: [Double]
        /// Test accuracies of the kept networks, when the dataset has a test set.
        public var testAccuracies: [Double] = []
        public var runs: Int
        public var diverged: Int
        public var failed: Int
        public var mean: Double? { losses.isEmpty ? nil : losses.reduce(0, +) / Double(losses.count) }
        /// The sample standard deviation (n - 1); 0 for a single run.
        public var std: Double? {
            guard let m = mean else { return nil }
            guard losses.count > 1 else { return 0 }
            return (losses.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(losses.count - 1)).squareRoot()
        }
        public var meanAccuracy: Double? { accuracies.isEmpty ? nil : accuracies.reduce(0, +) / Double(accuracies.count) }
        public var meanTestAccuracy: Double? { testAccuracies.isEmpty ? nil : testAccuracies.reduce(0, +) / Double(testAccuracies.count) }
    }

    /// Configurations ranked by mean final loss, lowest first. A configuration with any
    /// diverged or failed run ranks after every one without, so it is never reported best.
    public static func ranked(_ results: [RunResult]) -> [ConfigurationRow] {
        var rows = [Int: ConfigurationRow]()
        for r in results {
            var row = rows[r.run.configurationIndex] ?? ConfigurationRow(
                configurationID: r.run.configurationID, index: r.run.configurationIndex, swept: r.run.swept,
                losses: [], accuracies: [], runs: 0, diverged: 0, failed: 0)
            row.runs += 1
            switch r.status {
            case .completed:
                if let l = r.finalRankingLoss { row.losses.append(l) }
                if let a = r.kept?.validationAccuracy ?? r.kept?.trainAccuracy { row.accuracies.append(a) }
                if let a = r.test?.accuracy { row.testAccuracies.append(a) }
            case .diverged: row.diverged += 1
            case .failed, .interrupted, .busy: row.failed += 1
            }
            rows[r.run.configurationIndex] = row
        }
        return rows.values.sorted { a, b in
            let aBad = a.diverged + a.failed > 0 || a.mean == nil, bBad = b.diverged + b.failed > 0 || b.mean == nil
            if aBad != bBad { return !aBad }
            if let am = a.mean, let bm = b.mean, am != bm { return am < bm }
            if (a.mean == nil) != (b.mean == nil) { return a.mean != nil }
            return a.index < b.index
        }
    }

    /// summary.md: the ranked table, as GitHub-flavoured Markdown.
    public static func markdown(_ results: [RunResult], plan: SweepPlan) -> String {
        let ranked = ranked(results)
        let validation = results.contains { $0.hasValidation }
        let accuracy = results.contains { $0.hasAccuracy }
        let testAccuracy = results.contains { $0.test?.accuracy != nil }
        let metric = validation ? "final val_loss" : "final train_loss"
        let seeds = plan.runs.isEmpty ? 0 : Set(plan.runs.map(\.seed)).count
        var out = "# \(plan.name)\n\n"
        if let d = plan.runs.first?.spec.description { out += d + "\n\n" }
        out += "\(plan.configurationCount) configuration\(plan.configurationCount == 1 ? "" : "s") × \(seeds) seed\(seeds == 1 ? "" : "s"), "
        out += "ranked by mean \(metric) across seeds (lower is better). Diverged or failed runs rank last.\n\n"
        let complete = results.filter { $0.status == .completed || $0.status == .diverged }.count
        if complete < plan.runs.count {
            out += "**\(complete) of \(plan.runs.count) runs complete**: run the same command again to train the rest.\n\n"
        }
        var header = ["rank", "configuration", "\(metric) (mean ± std)", "min", "max", "n"]
        if accuracy { header.append(validation ? "val accuracy (mean)" : "train accuracy (mean)") }
        if testAccuracy { header.append("test accuracy (mean)") }
        header.append("notes")
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { h in h == "configuration" || h == "notes" ? "---|" : "---:|" }.joined() + "\n"
        for (i, row) in ranked.enumerated() {
            var notes = [String]()
            if row.diverged > 0 { notes.append("\(row.diverged) diverged") }
            if row.failed > 0 { notes.append("\(row.failed) failed") }
            var cells = [String(i + 1), "`\(row.configurationID)`",
                         row.mean.map { "\(format($0)) ± \(format(row.std!))" } ?? "—",
                         row.losses.min().map(format) ?? "—", row.losses.max().map(format) ?? "—", String(row.losses.count)]
            if accuracy { cells.append(row.meanAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "—") }
            if testAccuracy { cells.append(row.meanTestAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "—") }
            cells.append(notes.joined(separator: ", "))
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        let paired = PairedComparison.againstBest(results, ranked: ranked)
        if !paired.isEmpty {
            out += "\n## Paired comparisons\n\n"
            out += "Seed by seed against the best configuration, on the \(metric) (difference: other − best). "
            out += "Runs with the same seed start from the same weights, so the paired difference is the configuration's alone.\n\n"
            for p in paired { out += "- " + p.sentence + "\n" }
        }
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
