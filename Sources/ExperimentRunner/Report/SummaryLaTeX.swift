/// summary.tex: summary.md's ranked table for a paper, a booktabs `tabular` to `\input`
/// (the preamble needs `\usepackage{booktabs}`): rank, configuration, the ranking metric's
/// mean ± std over the completed seeds, the mean accuracy and test accuracy when the runs have
/// them, and n; the best value of each metric column in bold. The figures are
/// `Summary.ConfigurationRow`'s, as summary.md shows them; every label goes through
/// `LaTeX.escape`.
extension Summary {
    public static func latex(_ results: [RunResult], plan: SweepPlan) -> String {
        let table = Table(results, plan: plan)
        let (ranked, validation, accuracy, testAccuracy, metric) = (table.ranked, table.validation, table.accuracy, table.testAccuracy, table.metric)
        let e = LaTeX.escape
        // The best of each column, among configurations without a diverged or failed seed
        // (as they rank), the others when none is clean.
        let clean = ranked.filter { !$0.troubled && $0.stopped == 0 }
        let pool = clean.isEmpty ? ranked : clean
        func best(_ value: (ConfigurationRow) -> Double?, higher: Bool) -> Double? {
            let values = pool.compactMap(value).filter { !$0.isNaN }
            return higher ? values.max() : values.min()
        }
        let bestMean = best(\.mean, higher: plan.objective.mode == .max)
        let bestAccuracy = best(\.meanAccuracy, higher: true), bestTest = best(\.meanTestAccuracy, higher: true)
        func cell(_ text: String, bold: Bool) -> String { bold ? "\\textbf{\(text)}" : text }

        var header = ["rank", "configuration", "\(e(metric)) (mean $\\pm$ std)"]
        var align = "rl" + "r"
        if accuracy { header.append(validation ? "val\\_accuracy" : "train\\_accuracy"); align += "r" }
        if testAccuracy { header.append("test\\_accuracy"); align += "r" }
        header.append("$n$")
        align += "r"
        var out = "% summary.tex, written by backprop from the runs of \(e(plan.name)) (summary.md has the same figures).\n"
        out += "% Needs \\usepackage{booktabs}; \\input{summary.tex} inside a table.\n"
        out += "% Ranked by mean \(e(metric)) across seeds (\(plan.objective.direction)); bold: the best of each column.\n"
        out += "\\begin{tabular}{\(align)}\n\\toprule\n" + header.joined(separator: " & ") + " \\\\\n\\midrule\n"
        for (i, row) in ranked.enumerated() {
            var cells = [String(i + 1), "\\texttt{\(e(row.configurationID))}"]
            if let m = row.mean {
                let text = "\(format(m)) $\\pm$ \(row.std.map(format) ?? "--")"
                cells.append(cell(text, bold: m == bestMean))
            } else { cells.append("--") }
            if accuracy { cells.append(row.meanAccuracy.map { cell(e(percent($0)), bold: $0 == bestAccuracy) } ?? "--") }
            if testAccuracy { cells.append(row.meanTestAccuracy.map { cell(e(percent($0)), bold: $0 == bestTest) } ?? "--") }
            cells.append(String(row.n) + (row.notes.isEmpty ? "" : " (\(e(row.notes)))"))
            out += cells.joined(separator: " & ") + " \\\\\n"
        }
        out += "\\bottomrule\n\\end{tabular}\n"
        return out
    }
}
