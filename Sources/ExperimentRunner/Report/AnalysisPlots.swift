import Foundation

/// The plots that say which hyperparameters mattered: the importance bars, the objective
/// against the one parameter a sweep varies, and parallel coordinates for three or more.
/// Pure: CSV text and gnuplot scripts.
public enum AnalysisPlots {
    /// importance.gp: one bar per parameter (and the strongest interaction), in % of the variance.
    public static func importanceScript(title: String, figures: FigureOptions = .standard) -> String {
        var plot = "set datafile separator \",\"\nset title \(GnuplotScript.quoted(title)) font \",13\"\n"
        plot += "set style fill solid 0.85 noborder\nset boxwidth 0.6\nset yrange [0:100]\nset ylabel \"share of the variance of the objective (%)\"\n"
        plot += "set grid y lc rgb \"#dddddd\"\nset xtics noenhanced rotate by -20\nset key off\n"
        plot += "plot \"importance.csv\" skip 1 using 0:($2 * 100):xtic(1) with boxes lc rgb \"#0072B2\""
        return GnuplotScript.outputs("importance", figures: figures, plot: plot)
    }

    /// Each swept value as a number: itself, or its position among the axis's values (text).
    static func position(_ value: JSONValue, on axis: GridAxis) -> (x: Double, numeric: Bool) {
        if case let .number(t) = value, let x = Double(t) { return (x, true) }
        return (Double(axis.values.firstIndex { $0.sameValue(as: value) } ?? 0), false)
    }

    /// Positive values spread over at least a decade read best on a log axis (learning rates,
    /// weight decays), as grids usually space them.
    static func logSpaced(_ values: [Double]) -> Bool {
        guard values.count >= 3, let lo = values.min(), let hi = values.max(), lo > 0 else { return false }
        return hi / lo >= 10
    }

    /// A configuration's value of the one swept axis as its run id writes it ("16-relu_3-softmax"
    /// for a list of layers): short, and free of commas.
    static func shortLabel(_ row: Summary.ConfigurationRow) -> String {
        row.configurationID.split(separator: "=", maxSplits: 1).last.map(String.init) ?? row.configurationID
    }

    /// parameter.csv, for a sweep of one grid axis: one row per value, in the axis's order:
    /// the value (its position for text), the objective's mean, std, min, max and n over the
    /// completed seeds, and the value as the run ids write it.
    public static func parameterCSV(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow]) -> String? {
        guard plan.sweptAxes.count == 1, plan.search == nil, let axis = plan.sweptAxes.first else { return nil }
        var out = CSV.line(["x", "mean", "std", "min", "max", "n", axis.label])
        for row in ranked.sorted(by: { $0.index < $1.index }) {
            guard let value = row.swept.first?.value else { continue }
            let p = position(value, on: axis)
            out += CSV.line([CSV.number(p.x), CSV.number(row.mean), CSV.number(row.std),
                             CSV.number(row.losses.min()), CSV.number(row.losses.max()), String(row.n), shortLabel(row)])
        }
        return out
    }

    public static func parameterScript(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow], title: String, metric: String, figures: FigureOptions = .standard) -> String? {
        guard plan.sweptAxes.count == 1, plan.search == nil, let axis = plan.sweptAxes.first else { return nil }
        let positions = axis.values.map { position($0, on: axis) }
        let numeric = positions.allSatisfy(\.numeric)
        var plot = "set datafile separator \",\"\nset datafile missing \"\"\nset title \(GnuplotScript.quoted(title)) font \",13\"\n"
        plot += "set xlabel \(GnuplotScript.quoted(axis.path.description)) noenhanced\nset ylabel \(GnuplotScript.quoted(metric)) noenhanced\n"
        plot += "set grid lc rgb \"#dddddd\"\nset key outside right top box opaque noenhanced\n"
        if numeric && logSpaced(positions.map(\.x)) {
            plot += "set logscale x\nset offsets graph 0.05, graph 0.05, 0, 0\n"
        } else {
            plot += "unset logscale x\nset offsets 0.3, 0.3, 0, 0\n"
        }
        if !numeric {
            let labels = ranked.sorted { $0.index < $1.index }.map(shortLabel)
            plot += "set xtics (\(labels.enumerated().map { "\(GnuplotScript.quoted($1)) \($0)" }.joined(separator: ", "))) noenhanced\n"
        }
        plot += "plot \"parameter.csv\" skip 1 using 1:2:3 with yerrorlines lw 2 pt 7 lc rgb \"#0072B2\" title \"mean ± 1 std over seeds\", \\\n"
        plot += "     \"parameter.csv\" skip 1 using 1:4 with points pt 2 lc rgb \"#999999\" title \"min\", \\\n"
        plot += "     \"parameter.csv\" skip 1 using 1:5 with points pt 2 lc rgb \"#555555\" title \"max\""
        return GnuplotScript.outputs("parameter", figures: figures, plot: plot)
    }

    /// parallel.csv, for sweeps of three or more parameters: one row per configuration with a
    /// completed seed, each parameter as a number (text by its position; log10 where the
    /// values span a decade or more), then the mean objective.
    public static func parallelCSV(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow]) -> String? {
        let axes = plan.sweptAxes
        guard axes.count >= 3 else { return nil }
        let logs = logAxes(plan, ranked: ranked)
        var out = CSV.line(axes.enumerated().map { logs[$0] ? "log10(\($1.label))" : $1.label } + ["objective"])
        for row in ranked.sorted(by: { $0.index < $1.index }) where row.n > 0 && row.mean?.isFinite == true {
            var fields = [String]()
            for (a, axis) in axes.enumerated() {
                let value = row.swept.first { $0.label == axis.label }?.value ?? .null
                let x = position(value, on: axis).x
                fields.append(CSV.number(logs[a] ? log10(x) : x))
            }
            out += CSV.line(fields + [CSV.number(row.mean)])
        }
        return out
    }

    static func logAxes(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow]) -> [Bool] {
        plan.sweptAxes.map { axis in
            let values = ranked.compactMap { row in row.swept.first { $0.label == axis.label }.map { position($0.value, on: axis) } }
            return values.allSatisfy(\.numeric) && logSpaced(values.map(\.x))
        }
    }

    public static func parallelScript(_ plan: SweepPlan, ranked: [Summary.ConfigurationRow], title: String, metric: String,
                                      lowerIsBetter: Bool, figures: FigureOptions = .standard) -> String? {
        let axes = plan.sweptAxes
        guard axes.count >= 3 else { return nil }
        let logs = logAxes(plan, ranked: ranked)
        let n = axes.count + 1
        var plot = "set datafile separator \",\"\nset title \(GnuplotScript.quoted(title)) font \",13\"\nset key off\nunset ytics\nset border 0\n"
        let labels = axes.enumerated().map { logs[$0] ? "log10(\($1.label))" : $1.label } + [metric]
        plot += "set xtics (\(labels.enumerated().map { "\(GnuplotScript.quoted($1)) \($0 + 1)" }.joined(separator: ", "))) noenhanced\n"
        plot += "set xrange [0.8:\(Double(n) + 0.2)]\nset for [i=1:\(n)] paxis i tics\n"
        for (a, axis) in axes.enumerated() where !position(axis.values.first ?? .null, on: axis).numeric {
            plot += "set paxis \(a + 1) tics (\(axis.values.enumerated().map { "\(GnuplotScript.quoted(Summary.sweptText($1))) \($0)" }.joined(separator: ", ")))\n"
        }
        // The best configurations in the warm colour, drawn last (on top).
        plot += lowerIsBetter ? "set palette defined (0 \"#D55E00\", 0.5 \"#CCCCCC\", 1 \"#0072B2\")\n" : "set palette defined (0 \"#0072B2\", 0.5 \"#CCCCCC\", 1 \"#D55E00\")\n"
        plot += "set cblabel \(GnuplotScript.quoted(metric))\n"
        plot += "plot for [col=1:\(n)] \"parallel.csv\" skip 1 using col:\(n) with parallelaxes lw 1.5 lc palette"
        return GnuplotScript.outputs("parallel", figures: figures, plot: plot)
    }

    /// confusion.csv: predicted index, true index, count, label, for the confusion heatmap.
    public static func confusionCSV(_ report: ClassificationReport) -> String {
        var out = CSV.line(["predicted", "true", "count", "label"])
        for (t, row) in report.confusion.enumerated() {
            for (p, count) in row.enumerated() { out += CSV.line([String(p), String(t), String(count), String(count)]) }
        }
        return out
    }

    public static func confusionScript(_ report: ClassificationReport, title: String, figures: FigureOptions = .standard) -> String {
        func tics(_ values: [String]) -> String { "(" + values.enumerated().map { "\(GnuplotScript.quoted($1)) \($0)" }.joined(separator: ", ") + ")" }
        let k = Double(report.classes.count)
        var plot = "set datafile separator \",\"\nset title \(GnuplotScript.quoted(title)) font \",13\"\n"
        plot += "set xlabel \"predicted class\"\nset ylabel \"true class\"\nset xtics \(tics(report.classes)) noenhanced\nset ytics \(tics(report.classes)) noenhanced\n"
        plot += "set xrange [-0.5:\(k - 0.5)]\nset yrange [\(k - 0.5):-0.5]\nset cblabel \"rows\"\n"
        plot += "set palette defined (0 \"#f7fbff\", 1 \"#6baed6\", 2 \"#08306b\")\nset tics nomirror\nunset key\n"
        plot += "set style textbox opaque noborder fillcolor rgb \"#ffffff\"\n"
        plot += "plot \"confusion.csv\" skip 1 using 1:2:3 with image pixels notitle, \\\n"
        plot += "     \"confusion.csv\" skip 1 using 1:2:4 with labels boxed font \",11\" tc rgb \"#000000\" notitle"
        return GnuplotScript.outputs("confusion", figures: figures, plot: plot)
    }
}
