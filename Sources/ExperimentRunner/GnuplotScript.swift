import Foundation

/// The text of the gnuplot scripts. Each reads its CSV directly, so a user can restyle a
/// plot and render it again with `gnuplot loss.gp` in the same folder.
public enum GnuplotScript {
    /// Colour-blind-safe colours (Okabe & Ito, 2008, with brown in place of yellow, which
    /// does not show on white).
    public static let colors = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C564B", "#000000"]
    public static let maximumCurves = 8

    public static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// Whether the losses span enough (a factor of 20 or more) to read better on a log axis.
    public static func wantsLogScale(_ values: [Double]) -> Bool {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        guard let lo = positive.min(), let hi = positive.max() else { return false }
        return hi / lo >= 20 && !values.contains { $0.isFinite && $0 <= 0 }
    }

    static func preamble(title: String, ylabel: String, logScale: Bool) -> String {
        """
        set encoding utf8
        set datafile separator comma
                set title \(quoted(title)) font ",13"
        set xlabel "epoch"
        set ylabel \(quoted(ylabel + (logScale ? " (log scale)" : "")))
        set grid lc rgb "#dddddd"
        set border lc rgb "#555555"
        set key outside right top box opaque
        set style fill transparent solid 0.18 noborder
        \(logScale ? "set logscale y\nset format y \"%.0e\"" : "unset logscale y\nset yrange [0:*]")

        """
    }

    static func outputs(_ base: String, svg: Bool, plot: String) -> String {
        var s = "set terminal pngcairo size 1000,600 noenhanced font \"sans,10\"\nset output \(quoted(base + ".png"))\n\(plot)\nset output\n"
        if svg { s += "set terminal svg size 1000,600 dynamic noenhanced font \"sans,10\" background \"white\"\nset output \(quoted(base + ".svg"))\n\(plot)\nset output\n" }
        return s
    }

    /// A run's loss curve, from its metrics.csv: training solid, validation dashed.
    public static func runLoss(title: String, loss: String, hasValidation: Bool, logScale: Bool) -> String {
        var plot = "plot \"metrics.csv\" skip 1 using 1:2 with lines lw 2 lc rgb \"\(colors[0])\" title \"train\""
        if hasValidation { plot += ", \\\n     \"metrics.csv\" skip 1 using 1:3 with lines lw 2 dt 2 lc rgb \"\(colors[3])\" title \"validation\"" }
        return "# Loss per epoch of one run. Render again with: gnuplot loss.gp\n"
            + preamble(title: title, ylabel: loss, logScale: logScale)
            + outputs("loss", svg: false, plot: plot)
    }

    /// Every configuration's mean loss over seeds with a ±1 std band, from curves.csv:
    /// training solid, validation dashed, one colour per configuration. `columns[k]` is the
    /// first column (1-based) of configuration k's train_mean, train_std, val_mean, val_std.
    public static func sweepLoss(title: String, loss: String, curves: [(label: String, column: Int)], hasValidation: Bool,
                                 logScale: Bool, omitted: Int) -> String {
        var parts = [String]()
        for (k, curve) in curves.enumerated() {
            let c = curve.column, color = colors[k % colors.count]
            let band = logScale ? "(($\(c)-$\(c + 1)) > 0 ? $\(c)-$\(c + 1) : $\(c))" : "($\(c)-$\(c + 1))"
            parts.append("\"curves.csv\" skip 1 using 1:\(band):($\(c)+$\(c + 1)) with filledcurves lc rgb \"\(color)\" notitle")
            parts.append("\"curves.csv\" skip 1 using 1:\(c) with lines lw 2 lc rgb \"\(color)\" title \(quoted(curve.label))")
            if hasValidation {
                parts.append("\"curves.csv\" skip 1 using 1:\(c + 2) with lines lw 2 dt 2 lc rgb \"\(color)\" notitle")
            }
        }
        var subtitle = hasValidation ? "solid: train, dashed: validation; " : ""
        subtitle += "band: ±1 std across seeds"
        if omitted > 0 { subtitle += "; best \(curves.count) shown, \(omitted) more in summary.md" }
        return "# Mean loss per epoch of every configuration, ±1 std across seeds. Render again with: gnuplot loss.gp\n"
            + preamble(title: title + "\n" + subtitle, ylabel: loss, logScale: logScale)
            + outputs("loss", svg: true, plot: "plot " + parts.joined(separator: ", \\\n     "))
    }
}
