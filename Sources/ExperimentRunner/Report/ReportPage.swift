import Foundation

/// results/<name>/index.html: one static page (no server, no outside resource; its one script,
/// `LiveUpdate`, acts only when `backprop serve` serves it)
/// with the spec, the ranked summary, the paired comparisons, every plot (as SVG, so it
/// prints well) and for each configuration the command that reproduces one of its runs.
/// It is well-formed XML as well as HTML, so a test can parse it.
struct ReportPage {
    let report: SweepReport
    let results: [RunResult]
    let ranked: [Summary.ConfigurationRow]
    /// (folder, name) of every plot written with the summaries.
    let plots: [(directory: String, name: String)]
    /// The best configuration's confusion matrix, when there is one.
    var classification: Summary.BestClassification? = nil
    /// Which parameters mattered, as summary.md and importance.csv have it.
    var importance: Importance? = nil
    /// configuration id -> the run whose decision boundary was drawn.
    let boundaries: [String: String]
    let heatmap: Bool
    /// Indices into `ranked` of the configurations the loss and accuracy plots draw.
    let drawn: [Int]

    /// The page stays readable (and under 2 MB) at 10,000 configurations: the table shows the
    /// best `tableRows`; summary.md ranks them all, one line each,
    /// and summary.csv has every run.
    static let tableRows = 100
    /// A plot's left-out configurations are named up to this many, then counted.
    static let namedLeftOut = 20

    /// The configurations (indices into `ranked`) a plot leaves out, said under it.
    func leftOut(_ missing: [Int], what: String) -> String {
        guard !missing.isEmpty else { return "" }
        let e = Self.escape
        var out = "<p class=\"meta\">Not drawn in the \(what) (\(missing.count) of \(ranked.count) configurations; "
        out += "the spec's <code>report.curves</code> sets how many are drawn, \(report.plan.reportCurves) now): "
        out += missing.prefix(Self.namedLeftOut).map { i in "\(i + 1). <code>\(e(ranked[i].configurationID))</code>" + (ranked[i].n == 0 ? " (no completed seed)" : "") }
            .joined(separator: ", ")
        if missing.count > Self.namedLeftOut { out += " and \(missing.count - Self.namedLeftOut) more (summary.md ranks them all)" }
        return out + ".</p>\n"
    }

    /// Text for HTML, in an element or a double-quoted attribute (the only kind the pages write)
    /// alike: the one function through which text reaches a page. `& < > "` become character
    /// references; a control character other than a tab or a line break becomes U+FFFD (none
    /// reaches the page).
    static func escape(_ s: String) -> String {
        // Most text has none of these: a scan of its bytes decides.
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F || $0 == 0xC2 })
        else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n": out.unicodeScalars.append(c)
            case _ where c.value < 0x20 || (0x7F...0x9F).contains(c.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A path in the results folder as the page links it: relative, each segment percent-encoded
    /// (':' too, so that no folder name reads as a scheme such as `javascript:`; '&' and quotes
    /// too, so the link needs no escape in an attribute).
    static func link(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingPercentEncoding(withAllowedCharacters: linkAllowed) ?? ""
        }.joined(separator: "/")
    }

    private static let linkAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: ",;=?#:&'\""))

    /// What every page begins with: the document type, the title and the one stylesheet
    /// (the sweep's page and the page across sweeps look alike).
    static func head(title: String) -> String {
        """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(escape(title))</title>
            <style>
            body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            .meta { color: #555; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { padding: 0.3em 0.6em; border-bottom: 1px solid #e4e4e4; text-align: right; vertical-align: top; }
            th { background: #f4f6f8; } td.left, th.left { text-align: left; }
            tr.bad td { color: #999; }
            code { font: 0.85em ui-monospace, SFMono-Regular, Menlo, monospace; background: #f4f6f8; padding: 0.1em 0.3em; border-radius: 3px; }
            pre { background: #f4f6f8; padding: 1em; overflow-x: auto; font-size: 0.85em; }
            figure { margin: 1.5em 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
            .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1em; }
            .gallery figure { margin: 0; } figcaption { font-size: 0.85em; color: #555; }
            @media print { body { max-width: none; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
            </style>
            </head>
            <body>

            """
    }

    var html: String {
        let plan = report.plan, e = Self.escape
        let seeds = plan.seedCount
        let hasValidation = results.contains { $0.hasValidation }
        let metric = Summary.rankingMetric(hasValidation: hasValidation, objective: report.plan.objective)
        var out = Self.head(title: "\(plan.name): backprop report") + """
            <h1>\(e(plan.name))</h1>

            """
        if let d = plan.runs.first?.spec.description { out += "<p>\(e(d))</p>\n" }
        out += "<p class=\"meta\">\(plan.configurationCount) configuration\(plan.configurationCount == 1 ? "" : "s") × \(seeds) seed\(seeds == 1 ? "" : "s"); "
        out += "<span id=\"progress\" data-sweep=\"\(e(plan.name))\">\(SweepProgress(plan: plan, results: results).text)</span>"
        if !plan.sweptAxes.isEmpty { out += "; swept: " + plan.sweptAxes.map { "<code>\(e($0.path.description))</code>" }.joined(separator: ", ") }
        out += ". Spec: <a href=\"spec.json\">spec.json</a>.</p>\n"

        // Plots at the top: they are what a reader looks at first.
        let sweepPlots = [("loss", "Loss per epoch: each configuration's mean over its completed seeds, training solid and validation dashed, with a band of ±1 std across the seeds"),
                          ("accuracy", "Accuracy per epoch: each configuration's mean over its completed seeds, training solid and validation dashed, with a band of ±1 std across the seeds"),
                          ("heatmap", "Heatmap over the first two grid axes"),
                          ("rungs", "The objective by epoch, every configuration until the scheduler stopped it; dashed: the rungs"),
                          ("trials", "The objective against each searched field, one point per configuration"),
                          ("pareto", "The Pareto front: each configuration's objectives (grey), those no other beats in every objective in colour"),
                          ("history", "The optimisation history: each configuration's objective in the order the search made them, and the best so far"),
                          ("parameter", "The objective against the swept parameter: mean ± 1 std over the completed seeds, with their min and max"),
                          ("importance", "Which parameters mattered: the share of the variance of the objective each explains"),
                          ("parallel", "Parallel coordinates: one line per configuration across the swept parameters, coloured by its objective"),
                          ("confusion", "Confusion matrix of the best configuration's best seed on its held-out set")]
        // A picture only where gnuplot drew it (not with --plots none or without gnuplot).
        func drawn(_ file: String) -> Bool { FileManager.default.fileExists(atPath: report.directory.path + "/" + file) }
        let formats = plan.figures.formats
        // The picture the page shows: the SVG, else the PNG (the spec's report.formats may leave either out).
        let picture = formats.contains(.svg) ? "svg" : formats.contains(.png) ? "png" : nil
        /// The figure `base` (a path without its extension) as the page shows it, if it is drawn.
        func shown(_ base: String) -> String? { picture.map { base + "." + $0 }.flatMap { drawn($0) ? $0 : nil } }
        let scripted = sweepPlots.filter { p in plots.contains(where: { $0.directory == report.directory.path && $0.name == p.0 }) }
        if scripted.contains(where: { !drawn($0.0 + "." + (picture ?? "pdf")) }) {
            out += "<p class=\"meta\">Some plots are not drawn (<code>--plots none</code>, or no gnuplot): their scripts are written; "
            out += "<code>backprop plot \(e(report.directory.path))</code> draws them.</p>\n"
        }
        for (name, caption) in scripted {
            let files = formats.filter { $0.rawValue != picture }.map { "<a href=\"\(name).\($0.rawValue)\">\($0.rawValue.uppercased())</a>, " }.joined()
            if let file = shown(name) {
                out += "<figure><img src=\"\(file)\" alt=\"\(e(caption))\"/><figcaption>\(e(caption)) (\(files)<a href=\"\(name).gp\">gnuplot script</a>)</figcaption></figure>\n"
            } else if picture == nil, drawn(name + ".pdf") {
                out += "<p>\(e(caption)): <a href=\"\(name).pdf\">\(name).pdf</a> (the spec's <code>report.formats</code> draws no picture for the page; <a href=\"\(name).gp\">gnuplot script</a>).</p>\n"
            }
            if name == "loss" || name == "accuracy" {
                let drawn = Set(self.drawn)
                out += leftOut(ranked.indices.filter { !drawn.contains($0) }, what: "\(name) plot")
            }
        }

        out += "<h2>Configurations, best first</h2>\n<p>Ranked by mean \(e(metric)) across seeds (\(report.plan.objective.direction)). \(e(Summary.rankingExplanation(metric, scheduled: report.plan.scheduler != nil)))</p>\n"
        out += RankedTable(results: results, ranked: ranked, metric: metric, directory: report.directory, limit: Self.tableRows).html
        if ranked.count > Self.tableRows {
            out += "<p class=\"meta\">\(ranked.count - Self.tableRows) more configurations: <a href=\"summary.md\">summary.md</a> ranks them all, "
            out += "one line each; <a href=\"summary.csv\">summary.csv</a> has every run.</p>\n"
        }

        if let pareto = ParetoReport(plan: plan, ranked: ranked, hasValidation: hasValidation) {
            out += "<h2>Pareto front</h2>\n<p>The configurations no other beats in every objective; means over the completed seeds "
            out += "(<a href=\"pareto.csv\">pareto.csv</a>).</p>\n<table>\n<tr><th class=\"left\">configuration</th>"
            for (name, o) in zip(pareto.names, pareto.objectives) { out += "<th>\(e(name)) (\(o.mode.rawValue))</th>" }
            out += "</tr>\n"
            for row in pareto.front {
                out += "<tr><td class=\"left\"><code>\(e(row.configurationID))</code></td>"
                out += row.objectiveMeans.map { "<td>\($0.map(Summary.format) ?? "—")</td>" }.joined() + "</tr>\n"
            }
            out += "</table>\n"
        }
        if let cost = Summary.searchCost(results, plan: report.plan) { out += "<h2>Search cost</h2>\n<p>\(e(cost))</p>\n" }
        let paired = PairedComparison.againstBest(results, ranked: ranked)
        if !paired.isEmpty {
            out += "<h2>Paired comparisons</h2>\n<p>Seed by seed against the best configuration, on the \(e(metric)) (difference: other − best). "
            out += "Runs with the same seed start from the same weights, so the paired difference is the configuration's alone.</p>\n<ul>\n"
            for p in paired {
                out += "<li>\(p.sentence { "<code>\(e($0))</code>" })</li>\n"
            }
            out += "</ul>\n"
        }

        if let c = classification {
            let r = c.report
            out += "<h2>The best configuration on the \(e(c.set)) set</h2>\n<p><code>\(e(c.run))</code>: the best seed of the best configuration, its kept network "
            out += "(<a href=\"classes.csv\">classes.csv</a>)."
            if let auc = r.rocAUC { out += " ROC AUC (<code>\(e(r.classes[1]))</code> positive): \(Summary.format(auc))." }
            out += "</p>\n<table>\n<tr><th class=\"left\">class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n"
            for i in r.classes.indices {
                out += "<tr><td class=\"left\"><code>\(e(r.classes[i]))</code></td><td>\(Summary.format(r.precision[i]))</td><td>\(Summary.format(r.recall[i]))</td><td>\(Summary.format(r.f1[i]))</td><td>\(r.support[i])</td></tr>\n"
            }
            let total = r.support.reduce(0, +)
            out += "<tr><td class=\"left\">macro average</td><td>\(Summary.format(r.macro(r.precision)))</td><td>\(Summary.format(r.macro(r.recall)))</td><td>\(Summary.format(r.macro(r.f1)))</td><td>\(total)</td></tr>\n"
            out += "<tr><td class=\"left\">weighted average</td><td>\(Summary.format(r.weighted(r.precision)))</td><td>\(Summary.format(r.weighted(r.recall)))</td><td>\(Summary.format(r.weighted(r.f1)))</td><td>\(total)</td></tr>\n</table>\n"
        }
        if let importance {
            out += "<h2>Which parameters mattered</h2>\n<p>\(e(importance.method))</p>\n<table>\n<tr><th class=\"left\">parameter</th><th>share of the variance</th></tr>\n"
            for m in importance.main { out += "<tr><td class=\"left\"><code>\(e(m.parameter))</code></td><td>\(Summary.format(m.share * 100))%</td></tr>\n" }
            if let i = importance.interaction {
                out += "<tr><td class=\"left\">interaction <code>\(e(i.parameters))</code> (the strongest pair)</td><td>\(Summary.format(i.share * 100))%</td></tr>\n"
            }
            out += "</table>\n"
        }

        let boundaryRows = ranked.filter { row in boundaries[row.configurationID].map { shown("runs/\($0)/boundary") != nil } ?? false }
        if !boundaryRows.isEmpty {
            out += "<h2>Decision boundaries</h2>\n<p>The best run of each configuration: its prediction over the plane, the training points on top.</p>\n<div class=\"gallery\">\n"
            for row in boundaryRows {
                let path = Self.link(shown("runs/\(boundaries[row.configurationID]!)/boundary")!)
                out += "<figure><img src=\"\(path)\" alt=\"decision boundary of \(e(row.configurationID))\"/><figcaption><code>\(e(row.configurationID))</code></figcaption></figure>\n"
            }
            out += "</div>\n"
            if report.plots != .all {
                let drawnIDs = Set(boundaryRows.map(\.configurationID))
                out += leftOut(ranked.indices.filter { ranked[$0].n > 0 && !drawnIDs.contains(ranked[$0].configurationID) },
                               what: "decision-boundary gallery")
            }
        }

        // One run of each configuration that logged diagnostics (the first, as the sweep
        // renders them): the best `report.curves` drawn, when gnuplot drew them.
        var firstRun = [Int: RunResult]()
        for r in results where r.rows.first?.diagnostics != nil && firstRun[r.run.configurationIndex] == nil { firstRun[r.run.configurationIndex] = r }
        let diagnosed = ranked.indices.compactMap { i in firstRun[ranked[i].index].map { (rank: i, run: $0) } }
        let gallery = diagnosed.prefix(report.plan.reportCurves)
        if !gallery.isEmpty, gallery.allSatisfy({ shown("runs/\($0.run.run.id)/diagnostics") != nil }) {
            out += "<h2>Gradient norms</h2>\n<p>Per layer and epoch, one run of each configuration (log scale): vanishing gradients fall towards 0, exploding ones rise.</p>\n<div class=\"gallery\">\n"
            for (_, r) in gallery {
                out += "<figure><img src=\"\(Self.link(shown("runs/\(r.run.id)/diagnostics")!))\" alt=\"gradient norms of \(e(r.run.id))\"/><figcaption><code>\(e(r.run.id))</code></figcaption></figure>\n"
            }
            out += "</div>\n"
            out += leftOut(diagnosed.dropFirst(gallery.count).map(\.rank), what: "gallery")
        }

        // spec.json's text, as `run` and `summarize` both see it: the page is the same whoever writes it.
        out += "<h2>Spec</h2>\n<pre>\(e(report.folder.specText.trimmingCharacters(in: .newlines)))</pre>\n"
        out += "<p class=\"meta\">Files: <a href=\"summary.csv\">summary.csv</a>, <a href=\"summary.md\">summary.md</a>, <a href=\"curves.csv\">curves.csv</a>, "
        out += "<a href=\"spec.json\">spec.json</a>; each run's folder is <code>runs/&lt;run id&gt;/</code>. Check any run bit for bit with "
        out += "<code>backprop verify \(e(report.directory.path))/runs/&lt;run id&gt;</code>.</p>\n"
        // Inert in a file; live under `backprop serve`.
        out += LiveUpdate.element + "</body>\n</html>\n"
        return out
    }
}
