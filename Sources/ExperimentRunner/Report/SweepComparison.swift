import Foundation

/// `backprop compare results/a results/b`: did b do better than a? Configurations are
/// matched by their swept values (the configuration id); where both have a seed, the runs
/// are paired seed by seed (the same seed starts from the same weights when the network is
/// the same): the mean difference b − a ± its std and b's wins out of n, on the objective,
/// and the test accuracy where both have one. The spec's differences are listed, and both
/// sweeps' best curves are drawn together.
public struct SweepComparison: Sendable {
    public struct Pair: Sendable {
        public var configuration: String
        public var a: Summary.ConfigurationRow
        public var b: Summary.ConfigurationRow
        /// Seeds both completed.
        public var seeds: Int
        /// Seeds on which b is better than a by the objective.
        public var bWins: Int
        public var meanDifference: Double?
        public var stdDifference: Double?
    }

    public var a: String
    public var b: String
    public var metric: String
    public var objective: Objective
    /// "path: a-value → b-value", for every field of the specs that differs (but the name).
    public var specDifferences: [String]
    public var pairs: [Pair]
    public var bestA: Summary.ConfigurationRow?
    public var bestB: Summary.ConfigurationRow?
    /// Set when the two sweeps rank by different metrics (then nothing is compared).
    public var problem: String?
    let reportA: SweepReport, reportB: SweepReport

    public init(_ a: String, _ b: String) throws {
        reportA = try SweepReport.forResults(a, gnuplot: nil, jobs: 1)
        reportB = try SweepReport.forResults(b, gnuplot: nil, jobs: 1)
        self.a = reportA.plan.name
        self.b = reportB.plan.name
        let resultsA = reportA.folder.completeResults(data: nil)
        let resultsB = reportB.folder.completeResults(data: nil)
        let metricA = Summary.rankingMetric(hasValidation: resultsA.contains { $0.hasValidation }, objective: reportA.plan.objective)
        let metricB = Summary.rankingMetric(hasValidation: resultsB.contains { $0.hasValidation }, objective: reportB.plan.objective)
        metric = metricA
        objective = reportA.plan.objective
        specDifferences = Self.differences(reportA.folder.specText, reportB.folder.specText)
        let rankedA = Summary.ranked(resultsA), rankedB = Summary.ranked(resultsB)
        bestA = rankedA.first { $0.n > 0 && !$0.troubled }
        bestB = rankedB.first { $0.n > 0 && !$0.troubled }
        pairs = []
        guard metricA == metricB, reportA.plan.objective.mode == reportB.plan.objective.mode else {
            problem = "the sweeps rank by different metrics (\(metricA) and \(metricB)): nothing is compared"
            return
        }
        let rowsB = Dictionary(rankedB.map { ($0.configurationID, $0) }, uniquingKeysWith: { x, _ in x })
        for rowA in rankedA {
            guard let rowB = rowsB[rowA.configurationID] else { continue }
            let sa = PairedComparison.bySeed(resultsA, configuration: rowA.index, objective: objective)
            let sb = PairedComparison.bySeed(resultsB, configuration: rowB.index, objective: objective)
            let shared = sa.keys.filter { sb[$0] != nil }.sorted()
            let differences = shared.map { sb[$0]! - sa[$0]! }.filter(\.isFinite)
            pairs.append(Pair(configuration: rowA.configurationID, a: rowA, b: rowB, seeds: shared.count,
                              bWins: shared.filter { objective.isBetter(sb[$0]!, than: sa[$0]!) }.count,
                              meanDifference: Statistics.mean(differences), stdDifference: Statistics.standardDeviation(differences)))
        }
    }

    /// Whether b's best configuration is worse than a's (by the objective's mean): what
    /// `--fail-if-worse` exits 1 on. A sweep with nothing complete is worse.
    public var bIsWorse: Bool {
        guard let a = bestA?.mean else { return false }
        guard let b = bestB?.mean else { return true }
        return objective.isBetter(a, than: b)
    }

    /// Every leaf of two JSON texts by path; the fields that differ, "path: a → b".
    static func differences(_ a: String, _ b: String) -> [String] {
        guard let ja = try? JSONParser.parse(Array(a.utf8)), let jb = try? JSONParser.parse(Array(b.utf8)) else { return [] }
        var la = [(String, String)](), lb = [(String, String)]()
        func leaves(_ v: JSONValue, _ path: String, _ out: inout [(String, String)]) {
            switch v {
            case let .object(members): for m in members { leaves(m.value, path.isEmpty ? m.key : path + "." + m.key, &out) }
            case let .array(items) where items.contains(where: { if case .object = $0 { true } else { false } }):
                for (i, item) in items.enumerated() { leaves(item, path + "[\(i)]", &out) }
            default: out.append((path, v.serialized()))
            }
        }
        leaves(ja, "", &la)
        leaves(jb, "", &lb)
        let da = Dictionary(la, uniquingKeysWith: { x, _ in x }), db = Dictionary(lb, uniquingKeysWith: { x, _ in x })
        var paths = la.map(\.0)
        for (p, _) in lb where da[p] == nil { paths.append(p) }
        return paths.filter { $0 != "name" && da[$0] != db[$0] }.map { "\($0): \(da[$0] ?? "(absent)") → \(db[$0] ?? "(absent)")" }
    }

    public var markdown: String {
        var out = "# \(a) → \(b)\n\n"
        if specDifferences.isEmpty { out += "The specs are the same but for their names.\n\n" } else {
            out += "What changed in the spec:\n\n" + specDifferences.map { "- `\($0)`" }.joined(separator: "\n") + "\n\n"
        }
        if let problem { return out + problem + "\n" }
        func best(_ row: Summary.ConfigurationRow?) -> String { row.map { "`\($0.configurationID)`, \($0.meanText) (n=\($0.n))" } ?? "none complete" }
        out += "Objective: mean \(metric) across seeds (\(objective.direction)).\n\n"
        out += "- best of \(a): \(best(bestA))\n- best of \(b): \(best(bestB))\n"
        out += "- \(bIsWorse ? "\(b) is worse than \(a)" : "\(b) is at least as good as \(a)") by its best configuration\n\n"
        guard !pairs.isEmpty else { return out + "No configuration of one sweep has the swept values of one of the other's: nothing is paired.\n" }
        let test = pairs.contains { $0.a.meanTestAccuracy != nil && $0.b.meanTestAccuracy != nil }
        var header = ["configuration", "\(metric) \(a)", "\(metric) \(b)", "difference b − a (paired)", "b better on"]
        if test { header += ["test_accuracy \(a)", "test_accuracy \(b)"] }
        out += "| " + header.joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: header.count - 1) + "\n"
        for p in pairs {
            var diff = p.meanDifference.map(Summary.format) ?? "—"
            if let sd = p.stdDifference { diff += " ± " + Summary.format(sd) }
            var cells = ["`\(p.configuration)`", p.a.meanText, p.b.meanText, diff, "\(p.bWins) of \(p.seeds) seeds"]
            if test { cells += [p.a.meanTestAccuracyText, p.b.meanTestAccuracyText] }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// compare.csv: epoch, then each sweep's best configuration's mean of the metric's curve
    /// (from its curves.csv), for compare.gp.
    public func curvesCSV() -> String? {
        guard let bestA, let bestB else { return nil }
        let column = metric.hasPrefix("val") ? (metric.hasSuffix("accuracy") ? "val_accuracy_mean" : "val_mean")
            : (metric.hasSuffix("accuracy") ? "train_accuracy_mean" : "train_mean")
        func curve(_ report: SweepReport, _ row: Summary.ConfigurationRow) -> [String: String] {
            guard let text = try? readText(report.directory.path + "/curves.csv") else { return [:] }
            let rows = CSV.parse(text)
            guard let header = rows.first, let c = header.firstIndex(of: "\(row.configurationID):\(column)") else { return [:] }
            var out = [String: String]()
            for r in rows.dropFirst() where r.count > c { out[r[0]] = r[c] }
            return out
        }
        let ca = curve(reportA, bestA), cb = curve(reportB, bestB)
        guard !ca.isEmpty || !cb.isEmpty else { return nil }
        let epochs = Set(ca.keys).union(cb.keys).compactMap { Int($0) }.sorted()
        var out = CSV.line(["epoch", "\(a): \(bestA.configurationID)", "\(b): \(bestB.configurationID)"])
        for e in epochs { out += CSV.line([String(e), ca[String(e)] ?? "", cb[String(e)] ?? ""]) }
        return out
    }

    public func curvesScript(figures: FigureOptions = .standard) -> String {
        var plot = "set datafile separator \",\"\nset datafile missing \"\"\n"
        plot += "set title \(GnuplotScript.quoted("\(a) → \(b): the best configuration of each, mean \(metric) over its seeds")) font \",13\"\n"
        plot += "set xlabel \"epoch\"\nset ylabel \(GnuplotScript.quoted(metric))\nset grid lc rgb \"#dddddd\"\nset key outside right top box opaque noenhanced\n"
        plot += "plot \"compare.csv\" using 1:2 with lines lw 2 lc rgb \"#0072B2\" title columnhead, \\\n"
        plot += "     \"compare.csv\" using 1:3 with lines lw 2 lc rgb \"#D55E00\" title columnhead"
        return GnuplotScript.outputs("compare", figures: figures, plot: plot)
    }
}
