/// The Pareto front of a sweep with several `objectives`: the configurations no other one
/// beats in every objective (`ParetoFront`), from each configuration's mean of each objective
/// over its completed seeds (`Summary.ConfigurationRow.objectiveMeans`). A configuration with
/// a diverged or failed seed, one the scheduler stopped, or one missing a value is drawn
/// among the trials but never on the front. pareto.csv, the plot, summary.md and the page
/// all show these rows.
public struct ParetoReport: Sendable {
    public var objectives: [Objective]
    /// Each objective's column name: its metric's.
    public var names: [String]
    /// The front, best first by the first objective (then by configuration order).
    public var front: [Summary.ConfigurationRow]

    public init?(plan: SweepPlan, ranked: [Summary.ConfigurationRow], hasValidation: Bool) {
        guard plan.isMultiObjective else { return nil }
        objectives = plan.objectives
        names = plan.objectives.map { $0.name(hasValidation: hasValidation) }
        let candidates = ranked.filter { row in
            !row.troubled && row.stopped == 0 && row.objectiveMeans.allSatisfy { $0.map { !$0.isNaN } ?? false }
        }.sorted { $0.index < $1.index }
        let losses = candidates.map { row in zip(plan.objectives, row.objectiveMeans).map { $0.loss($1!) } }
        front = ParetoFront.front(losses).map { candidates[$0] }.sorted { a, b in
            let x = plan.objectives[0].loss(a.objectiveMeans[0]!), y = plan.objectives[0].loss(b.objectiveMeans[0]!)
            return x != y ? x < y : a.index < b.index
        }
    }

    /// summary.md's section: one line per configuration on the front.
    public var markdown: String {
        let directions = zip(names, objectives).map { "\($0) (\($1.mode == .min ? "lower" : "higher") is better)" }.joined(separator: ", ")
        var out = "The configurations no other beats in every objective: \(directions); means over the completed seeds. pareto.csv has them.\n\n"
        out += "| configuration | " + names.joined(separator: " | ") + " |\n|---|" + names.map { _ in "---:|" }.joined() + "\n"
        for row in front {
            out += "| `\(row.configurationID)` | " + row.objectiveMeans.map { $0.map(Summary.format) ?? "—" }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// pareto.gp: every configuration of trials.csv (grey) and the front of pareto.csv (in
    /// colour, joined in order of the first objective), one panel per pair of objectives.
    /// - Parameter column: trials.csv's column (1-based) of objective k.
    public func script(title: String, column: (Int) -> Int, logScale: [Bool], figures: FigureOptions = .standard) -> String {
        let pairs = objectives.indices.flatMap { a in objectives.indices.filter { $0 > a }.map { (a, $0) } }
        var plot = "set encoding utf8\n"
        if pairs.count > 1 {
            let columns = pairs.count > 3 ? 3 : pairs.count
            plot += "set multiplot layout \((pairs.count + columns - 1) / columns),\(columns) title \(GnuplotScript.quoted(title))\n"
        } else {
            plot += "set title \(GnuplotScript.quoted(title))\n"
        }
        plot += "set datafile separator \",\"\nset datafile missing \"\"\nset grid\nset key off\n"
        for (a, b) in pairs {
            plot += "set xlabel \(GnuplotScript.quoted(names[a] + " (" + objectives[a].mode.rawValue + ")"))\n"
            plot += "set ylabel \(GnuplotScript.quoted(names[b] + " (" + objectives[b].mode.rawValue + ")"))\n"
            plot += logScale[a] ? "set logscale x\n" : "unset logscale x\n"
            plot += logScale[b] ? "set logscale y\n" : "unset logscale y\n"
            plot += "plot \"trials.csv\" skip 1 using \(column(a)):\(column(b)) with points pt 7 ps 0.8 lc rgb \"#BBBBBB\", \\\n"
            // With two objectives, the front is the staircase that bounds what it dominates
            // (sorted best first by the first objective, `steps` turns at the right corners).
            if pairs.count == 1 {
                plot += "     \"pareto.csv\" skip 1 using \(column(a)):\(column(b)) with steps lw 1.5 lc rgb \"\(GnuplotScript.colors[3])\", \\\n"
                plot += "     \"pareto.csv\" skip 1 using \(column(a)):\(column(b)) with points pt 7 ps 1.3 lc rgb \"\(GnuplotScript.colors[3])\"\n"
            } else {
                plot += "     \"pareto.csv\" skip 1 using \(column(a)):\(column(b)) with points pt 7 ps 1.3 lc rgb \"\(GnuplotScript.colors[3])\"\n"
            }
        }
        if pairs.count > 1 { plot += "unset multiplot" }
        return GnuplotScript.outputs("pareto", figures: figures, plot: plot)
    }
}
