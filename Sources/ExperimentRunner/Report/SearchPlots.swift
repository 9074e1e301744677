import Foundation

/// The two plots of a search or a scheduled sweep:
/// - rungs.csv and rungs.gp: the objective (mean over the configuration's seeds) against
///   epochs, one line per configuration, ending where the scheduler stopped it; the rungs are
///   dashed vertical lines, the best configuration is drawn in colour, the others grey.
/// - trials.csv and trials.gp: for a search, the objective against each searched field, one
///   point per configuration (a log axis where the field is drawn on a log scale; a choice
///   on an axis of its values), finished configurations filled, stopped ones hollow.
/// - history.csv and history.gp: for a search, the optimisation history: each configuration's
///   objective in the order the search made them (a trial's, for TPE, the order it proposed
///   them), and the best so far.
/// All use the figures of summary.md: `Summary.ConfigurationRow`, and the run records.
public enum SearchPlots {
    /// rungs.csv: epoch, then per configuration (in ranked order, columns named by its id)
    /// the mean objective over its seeds at that epoch, empty where a seed has no value.
    public static func rungsCSV(_ results: [RunResult], ranked: [Summary.ConfigurationRow]) -> String {
        let objective = Summary.objective(results)
        let byConfiguration = Dictionary(grouping: results.filter { $0.status == .completed || $0.status == .stopped },
                                         by: \.run.configurationIndex)
        let maxEpoch = results.map(\.epochs).max() ?? 0
        var out = CSV.line(["epoch"] + ranked.map(\.configurationID))
        for epoch in 0...maxEpoch {
            var fields = [String(epoch)]
            for row in ranked {
                let runs = byConfiguration[row.index] ?? []
                let values = runs.compactMap { epoch < $0.rows.count ? objective.value($0.rows[epoch].record) : nil }
                fields.append(values.isEmpty || values.count < runs.count ? "" : CSV.number(values.reduce(0, +) / Double(values.count)))
            }
            out += CSV.line(fields)
        }
        return out
    }

    public static func rungsScript(title: String, metric: String, configurations: Int, rungs: [Int], logScale: Bool, figures: FigureOptions = .standard) -> String {
        var plot = GnuplotScript.preamble(title: title, ylabel: metric + " (mean over seeds)", logScale: logScale)
        plot += "set key off\nset datafile missing \"\"\n"
        for r in rungs { plot += "set arrow from \(r), graph 0 to \(r), graph 1 nohead dashtype 2 lc rgb \"#999999\"\n" }
        // The best configuration (column 2, the first in ranked order) last, on top, in colour.
        plot += "plot for [i=3:\(configurations + 1)] \"rungs.csv\" skip 1 using 1:i with lines lw 1 lc rgb \"#BBBBBB\", \\\n"
        plot += "     \"rungs.csv\" skip 1 using 1:2 with lines lw 2.5 lc rgb \"#D55E00\""
        return GnuplotScript.outputs("rungs", figures: figures, plot: plot)
    }

    /// trials.csv: one row per configuration: its id, each searched field's value (a
    /// choice's as its position in the list, and its text), the mean objective, whether it
    /// finished (1) or was stopped (0), then each of the sweep's objectives' means, in a
    /// column named after its metric. For a search, and for a multi-objective grid (its swept
    /// fields then); pareto.csv has the same columns.
    /// - Parameter rows: the configurations, in the order to write them (nil: all, in plan order).
    public static func trialsCSV(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow], hasValidation: Bool,
                                 rows: [Summary.ConfigurationRow]? = nil) -> String? {
        guard plan.search != nil || plan.isMultiObjective else { return nil }
        let dimensions = plan.search?.dimensions.map(\.distribution)
        var header = ["configuration"]
        for (d, axis) in plan.sweptAxes.enumerated() {
            header.append(axis.label)
            if d < dimensions?.count ?? 0, case .choice = dimensions![d] { header.append(axis.label + ":text") }
        }
        var out = CSV.line(header + ["objective", "finished"] + plan.objectives.map { $0.name(hasValidation: hasValidation) })
        for row in rows ?? ranked.sorted(by: { $0.index < $1.index }) {
            var fields = [row.configurationID]
            for d in plan.sweptAxes.indices {
                let value = row.swept[d].value
                if d < dimensions?.count ?? 0, case let .choice(values) = dimensions![d] {
                    fields.append(String(values.firstIndex { $0.sameValue(as: value) } ?? 0))
                }
                fields.append(Summary.sweptText(value))
            }
            fields.append(CSV.number(row.mean))
            fields.append(row.stopped > 0 ? "0" : "1")
            fields += row.objectiveMeans.map { CSV.number($0) }
            out += CSV.line(fields)
        }
        return out
    }

    /// trials.csv's column (1-based) of the mean objective; "finished" is the next, and each
    /// objective's mean follows (`objectiveColumn`).
    static func meanColumn(_ plan: SweepPlan) -> Int {
        let choices = plan.search?.dimensions.filter { if case .choice = $0.distribution { true } else { false } }.count ?? 0
        return 1 + plan.sweptAxes.count + choices + 1
    }

    /// trials.csv's column (1-based) of objective `k`.
    public static func objectiveColumn(_ plan: SweepPlan, _ k: Int) -> Int { meanColumn(plan) + 2 + k }

    public static func trialsScript(_ plan: SweepPlan, title: String, metric: String, figures: FigureOptions = .standard) -> String? {
        guard let search = plan.search else { return nil }
        let n = search.dimensions.count
        let columns = (n + 1) / 2 > 1 ? 2 : n
        let rows = (n + columns - 1) / columns
        var plot = "set multiplot layout \(rows),\(columns) title \(GnuplotScript.quoted(title))\n"
        plot += "set datafile separator \",\"\nset datafile missing \"\"\nset key off\nset grid\nset ylabel \(GnuplotScript.quoted(metric))\n"
        var column = 2
        // trials.csv has the grid's fields too (after the searched ones), before the objective.
        let objectiveColumn = meanColumn(plan)
        for (d, dimension) in search.dimensions.enumerated() {
            plot += "set xlabel \(GnuplotScript.quoted(plan.searchAxes[d].path.description))\n"
            plot += dimension.distribution.isLog ? "set logscale x\n" : "unset logscale x\n"
            let finished = "($\(objectiveColumn + 1) == 1 ? $\(objectiveColumn) : NaN)", stopped = "($\(objectiveColumn + 1) == 0 ? $\(objectiveColumn) : NaN)"
            if case let .choice(values) = dimension.distribution {
                let tics = values.enumerated().map { "\(GnuplotScript.quoted(Summary.sweptText($1))) \($0)" }.joined(separator: ", ")
                plot += "set xtics (\(tics))\nset xrange [-0.5:\(Double(values.count) - 0.5)]\n"
            } else {
                plot += "set xtics autofreq\nset autoscale x\n"
            }
            plot += "plot \"trials.csv\" skip 1 using \(column):\(finished) with points pt 7 ps 1.2 lc rgb \"#0072B2\", \\\n"
            plot += "     \"trials.csv\" skip 1 using \(column):\(stopped) with points pt 6 ps 1.2 lc rgb \"#999999\"\n"
            column += 1
            if case .choice = dimension.distribution { column += 1 }
        }
        plot += "unset multiplot"
        return GnuplotScript.outputs("trials", figures: figures, plot: plot)
    }

    /// history.csv: configuration (1-based, in plan order: the order the search made them),
    /// its id, its mean objective (empty when none of its seeds finished), and the best so far
    /// (over the configurations that finished, not those a scheduler stopped).
    public static func historyCSV(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow]) -> String? {
        guard plan.search != nil else { return nil }
        var out = CSV.line(["configuration", "id", "objective", "best_so_far"])
        var best: Double?
        for row in ranked.sorted(by: { $0.index < $1.index }) {
            let value = row.troubled ? nil : row.mean.flatMap { $0.isNaN ? nil : $0 }
            // A configuration a scheduler stopped has its value at an earlier rung: shown, never the best.
            if let v = value, row.stopped == 0, best.map({ plan.objective.isBetter(v, than: $0) }) ?? true { best = v }
            out += CSV.line([String(row.index + 1), row.configurationID, value.map(CSV.number) ?? "", best.map(CSV.number) ?? ""])
        }
        return out
    }

    public static func historyScript(title: String, metric: String, logScale: Bool, figures: FigureOptions = .standard) -> String {
        var plot = GnuplotScript.preamble(title: title, ylabel: metric + " (mean over seeds)", logScale: logScale)
        plot += "set xlabel \"configuration, in the order the search made them\"\nset datafile missing \"\"\nset key inside top right box opaque\n"
        plot += "plot \"history.csv\" skip 1 using 1:3 with points pt 7 ps 0.7 lc rgb \"\(GnuplotScript.colors[0])\" title \"each configuration\", \\\n"
        plot += "     \"history.csv\" skip 1 using 1:4 with steps lw 2 lc rgb \"\(GnuplotScript.colors[3])\" title \"best so far\""
        return GnuplotScript.outputs("history", figures: figures, plot: plot)
    }
}
