import Foundation

/// The text of the gnuplot scripts. Each reads its CSV directly, so a user can restyle a
/// plot and render it again with `gnuplot loss.gp` in the same folder.
public enum GnuplotScript {
    /// Colour-blind-safe colours (Okabe & Ito, 2008, with brown in place of yellow, which
    /// does not show on white).
    public static let colors = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C564B", "#000000"]
    /// How many configurations a sweep's loss and accuracy plots draw unless the spec's
    /// `report.curves` says otherwise (one colour each).
    public static let defaultCurves = 8

    /// `s` as a gnuplot string expression that gnuplot reads as text and never as code: the one
    /// function through which a title, a label, a key entry or a tic label reaches a script.
    /// The text goes in single quotes, where gnuplot expands nothing (no backquoted command, no
    /// `@` macro, no backslash escape); a quote, a line break and nothing else are joined on
    /// with `.` as double-quoted pieces holding no text of the input ("'" and "\n": gnuplot's
    /// scanner misreads a doubled quote at the start of a string); every other control
    /// character (C0, DEL, C1) becomes U+FFFD, so none ever reaches a script. Most strings
    /// need none of this: a scan of their bytes decides.
    public static func quoted(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x27 || $0 == 0x7F || $0 == 0xC2 }) else { return "'" + s + "'" }
        var pieces = [String](), text = ""
        func piece(_ escape: String) {
            if !text.isEmpty { pieces.append("'" + text + "'"); text = "" }
            pieces.append(escape)
        }
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x0A: piece("\"\\n\"")
            case 0x27: piece("\"'\"")
            case 0..<0x20, 0x7F...0x9F: text += "\u{FFFD}"
            default: text.unicodeScalars.append(scalar)
            }
        }
        if !text.isEmpty || pieces.isEmpty { pieces.append("'" + text + "'") }
        return pieces.joined(separator: ".")
    }

    /// A file or folder name as a gnuplot string expression, byte for byte (the one function
    /// through which a path reaches a script: `cd`, `load`, `set output`): single-quoted
    /// pieces as in `quoted`, and each quote and control character as a double-quoted piece
    /// (`"'"`, an octal escape such as `"\012"`), so that the name stays exact and no byte of
    /// it can end a command.
    public static func fileName(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x27 || $0 == 0x7F }) else { return "'" + s + "'" }
        var pieces = [[UInt8]](), text = [UInt8]()
        func piece(_ escape: String) {
            if !text.isEmpty { pieces.append([0x27] + text + [0x27]); text = [] }
            pieces.append(Array(escape.utf8))
        }
        for byte in s.utf8 {
            switch byte {
            case 0x27: piece("\"'\"")
            case 0..<0x20, 0x7F: piece("\"\\\(String(byte, radix: 8).leftPad(3, with: "0"))\"")
            default: text.append(byte)
            }
        }
        if !text.isEmpty || pieces.isEmpty { pieces.append([0x27] + text + [0x27]) }
        return String(decoding: Array(pieces.joined(separator: [0x2E])), as: UTF8.self)
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

    /// The figure in each of `figures.formats`: PNG and SVG for the screen (1000×600), a
    /// vector PDF for print at `figures.width` (cairo embeds the fonts it uses). A narrow PDF
    /// (`FigureOptions`) has no title and its key above the plot, where the title was: `plot`'s
    /// own `set title` lines are left out of that one and its `set key outside …` lines moved;
    /// `key: false` for a figure without a key (one that unsets it before `plot`).
    static func outputs(_ base: String, figures: FigureOptions, key: Bool = true, plot: String) -> String {
        var s = ""
        if figures.formats.contains(.png) {
            s += "set terminal pngcairo size 1000,600 noenhanced font \"sans,10\"\nset output \(fileName(base + ".png"))\n\(plot)\nset output\n"
        }
        if figures.formats.contains(.svg) {
            s += "set terminal svg size 1000,600 dynamic noenhanced font \"sans,10\" background \"white\"\nset output \(fileName(base + ".svg"))\n\(plot)\nset output\n"
        }
        if figures.formats.contains(.pdf) {
            s += "set terminal pdfcairo size \(FigureOptions.inches(figures.width)),\(FigureOptions.inches(figures.height)) noenhanced font \"sans,\(figures.fontPoints)\"\n"
            s += "set output \(fileName(base + ".pdf"))\n"
            if figures.narrow {
                let above = "set key outside top center horizontal box opaque"
                s += "unset title\n" + (key ? above + "\n" : "")
                s += plot.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
                    if line.hasPrefix("set title ") { return nil }
                    if line.hasPrefix("set key outside") { return above + (line.contains("noenhanced") ? " noenhanced" : "") }
                    return String(line)
                }.joined(separator: "\n")
            } else {
                s += plot
            }
            s += "\nset output\n"
        }
        return s
    }

    /// A run's loss curve, from its metrics.csv: training solid, validation dashed.
    public static func runLoss(title: String, loss: String, hasValidation: Bool, logScale: Bool, figures: FigureOptions = .standard) -> String {
        var plot = "plot \"metrics.csv\" skip 1 using 1:2 with lines lw 2 lc rgb \"\(colors[0])\" title \"train\""
        if hasValidation { plot += ", \\\n     \"metrics.csv\" skip 1 using 1:3 with lines lw 2 dt 2 lc rgb \"\(colors[3])\" title \"validation\"" }
        return "# Loss per epoch of one run. Render again with: gnuplot loss.gp\n"
            + preamble(title: title, ylabel: loss, logScale: logScale)
            + outputs("loss", figures: figures, plot: plot)
    }

    /// Which per-configuration curves of curves.csv a sweep plot draws.
    public enum Metric: Sendable {
        case loss(name: String)
        case accuracy

        var file: String { if case .accuracy = self { "accuracy" } else { "loss" } }
        var ylabel: String { if case let .loss(name) = self { "loss (\(name))" } else { "accuracy" } }
    }

    /// One configuration's curve in a sweep plot: its key label, the curves.csv column of its
    /// train mean, the column of its n, and its number of completed seeds.
    public struct Curve: Sendable, Equatable {
        public var label: String
        public var column: Int
        public var countColumn: Int
        public var seeds: Int
        public init(label: String, column: Int, countColumn: Int, seeds: Int) {
            self.label = label
            self.column = column
            self.countColumn = countColumn
            self.seeds = seeds
        }
    }

    /// Every configuration's mean over seeds with a ±1 std band, from curves.csv: training
    /// solid, validation dashed, one colour per configuration. A curve is drawn only at the
    /// epochs every one of its completed seeds reached (n = seeds), so that each point is a
    /// mean over the seeds its key claims; a std of one seed (NaN) draws no band.
    public static func sweepCurves(_ metric: Metric, title: String, curves: [Curve], hasValidation: Bool,
                                   logScale: Bool, omitted: Int, figures: FigureOptions = .standard) -> String {
        var parts = [String]()
        for (k, curve) in curves.enumerated() {
            let c = curve.column, color = colors[k % colors.count]
            func value(_ column: String) -> String { "($\(curve.countColumn) == \(curve.seeds) ? \(column) : NaN)" }
            let low = logScale ? "(($\(c)-$\(c + 1)) > 0 ? $\(c)-$\(c + 1) : $\(c))" : "($\(c)-$\(c + 1))"
            parts.append("\"curves.csv\" skip 1 using 1:\(value(low)):\(value("($\(c)+$\(c + 1))")) with filledcurves lc rgb \"\(color)\" notitle")
            parts.append("\"curves.csv\" skip 1 using 1:\(value("$\(c)")) with lines lw 2 lc rgb \"\(color)\" title \(quoted(curve.label))")
            if hasValidation {
                parts.append("\"curves.csv\" skip 1 using 1:\(value("$\(c + 2)")) with lines lw 2 dt 2 lc rgb \"\(color)\" notitle")
            }
        }
        // What the line styles and bands mean, and what is left out, go in the key (a second
        // title line is cut off on a narrow canvas); the page's caption says it in full.
        var legend = [String]()
        if hasValidation {
            legend.append("keyentry with lines lw 2 lc rgb \"#555555\" title 'train (solid)'")
            legend.append("keyentry with lines lw 2 dt 2 lc rgb \"#555555\" title 'validation (dashed)'")
        }
        legend.append("keyentry with filledcurves fs solid 0.4 lc rgb \"#888888\" title '±1 std over seeds'")
        if omitted > 0 { legend.append("keyentry with lines lw 0 lc rgb \"#FFFFFF\" title \(quoted("\(omitted) more: see index.html"))") }
        if !parts.isEmpty { parts = legend + parts }
        var preamble = preamble(title: title, ylabel: metric.ylabel, logScale: logScale)
        if case .accuracy = metric { preamble += "set yrange [*:1]\nset key outside right top box opaque\n" }
        let what = metric.file
        let plot = parts.isEmpty ? "set label \"no configuration completed\" at graph 0.5, 0.5 center\nplot NaN notitle" : "plot " + parts.joined(separator: ", \\\n     ")
        return "# Mean \(what) per epoch of every configuration, ±1 std across seeds. Render again with: gnuplot \(what).gp\n"
            + preamble + outputs(what, figures: figures, plot: plot)
    }

    /// A heatmap of one value per configuration over two grid axes, from heatmap.csv
    /// (x index, y index, value, label): the mean value written in each cell; a diverged
    /// cell has no value, and says so.
    public static func heatmap(title: String, value: String, xLabel: String, xValues: [String],
                               yLabel: String, yValues: [String], lowerIsBetter: Bool, range: (low: Double, high: Double)?, figures: FigureOptions = .standard) -> String {
        func tics(_ values: [String]) -> String { "(" + values.enumerated().map { "\(quoted($1)) \($0)" }.joined(separator: ", ") + ")" }
        // Light for good values, dark for bad: the labels stay readable on both.
        let palette = lowerIsBetter ? "set palette defined (0 \"#f7fbff\", 1 \"#6baed6\", 2 \"#08306b\")"
                                    : "set palette defined (0 \"#08306b\", 1 \"#6baed6\", 2 \"#f7fbff\")"
        let plot = """
            plot "heatmap.csv" skip 1 using 1:2:3 with image pixels notitle, \\
                 "heatmap.csv" skip 1 using 1:2:4 with labels boxed font ",11" tc rgb "#000000" notitle
            """
        return "# One cell per configuration: \(value). Render again with: gnuplot heatmap.gp\n" + """
            set encoding utf8
            set datafile separator comma
            set datafile missing "NaN"
            set title \(quoted(title)) font ",13"
            set xlabel \(quoted(xLabel))
            set ylabel \(quoted(yLabel))
            set xtics \(tics(xValues))
            set ytics \(tics(yValues))
            set xrange [-0.5:\(Double(xValues.count) - 0.5)]
            set yrange [-0.5:\(Double(yValues.count) - 0.5)]
            set cblabel \(quoted(value))
            \(range.map { "set cbrange [\($0.low):\($0.high)]" } ?? "")
            \(palette)
            set tics nomirror
            set style textbox opaque noborder fillcolor rgb "#ffffff"
            unset key

            """ + outputs("heatmap", figures: figures, key: false, plot: plot)
    }

    /// A 2-D classifier's prediction over the plane as an image (boundary.csv: x, y, value),
    /// with the training points on top (points.csv: x, y, class). Two classes: the value is
    /// the probability of class 1; more: the predicted class.
    public static func boundary(title: String, classes: Int, xLabel: String, yLabel: String, figures: FigureOptions = .standard) -> String {
        let colorsUsed = (0..<classes).map { colors[$0 % colors.count] }
        let palette: String
        if classes <= 2 {
            palette = "set palette defined (0 \"\(lighter(colors[0]))\", 0.5 \"#ffffff\", 1 \"\(lighter(colors[1]))\")\nset cbrange [0:1]\nset cblabel \"P(class 1)\""
        } else {
            palette = "set palette maxcolors \(classes)\nset palette defined (" + colorsUsed.enumerated().map { "\($0) \"\(lighter($1))\"" }.joined(separator: ", ")
                + ")\nset cbrange [-0.5:\(Double(classes) - 0.5)]\nset cbtics 0,1,\(classes - 1)\nset cblabel \"predicted class\""
        }
        let points = (0..<classes).map { c in
            "\"points.csv\" skip 1 using 1:($3 == \(c) ? $2 : NaN) with points pt 7 ps 0.6 lc rgb \"\(colorsUsed[c])\" title \"class \(c)\""
        }
        let plot = "plot \"boundary.csv\" skip 1 using 1:2:3 with image notitle, \\\n     " + points.joined(separator: ", \\\n     ")
        return "# The network's prediction over the plane, the training points on top. Render again with: gnuplot boundary.gp\n" + """
            set encoding utf8
            set datafile separator comma
            set title \(quoted(title)) font ",13"
            set xlabel \(quoted(xLabel))
            set ylabel \(quoted(yLabel))
            set size ratio -1
            set autoscale fix
            set key outside right bottom box opaque
            \(palette)

            """ + outputs("boundary", figures: figures, plot: plot)
    }

    /// Gradient norm of every layer against the epoch, on a log scale, from metrics.csv.
    /// `firstColumn` is grad_norm_1's 1-based column.
    public static func diagnostics(title: String, layers: Int, firstColumn: Int, figures: FigureOptions = .standard) -> String {
        let plot = "plot " + (0..<layers).map { l in
            "\"metrics.csv\" skip 1 using 1:\(firstColumn + l) with lines lw 2 lc rgb \"\(colors[l % colors.count])\" title \"layer \(l + 1)\""
        }.joined(separator: ", \\\n     ")
        return "# Gradient norm per layer and epoch (RMS over the epoch's batches). Render again with: gnuplot diagnostics.gp\n"
            + preamble(title: title + "\ngradient norm per layer (vanishing: falling towards 0; exploding: rising)", ylabel: "gradient L2 norm", logScale: true)
            + outputs("diagnostics", figures: figures, plot: plot)
    }

    /// A colour mixed halfway towards white, for backgrounds under points of the colour itself.
    static func lighter(_ hex: String) -> String {
        let v = Int(hex.dropFirst(), radix: 16)!
        let parts = [v >> 16 & 255, v >> 8 & 255, v & 255].map { ($0 + 255 * 2) / 3 }
        return "#" + parts.map { String(format: "%02x", $0) }.joined()
    }
}
