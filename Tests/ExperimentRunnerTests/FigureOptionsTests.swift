import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The spec's `report.formats` and `report.width`: which files a figure is written as, and
/// the PDF's printed size and layout.
@Suite struct FigureOptionsTests {
    static func spec(_ report: String) -> String {
        #"""
        {"name": "fig", "dataset": {"name": "moons", "samples": 60, "validation": 0.25},
         "model": {"layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 5},
         "seeds": [1], "grid": {"optimizer.learning_rate": [0.1, 0.5], "model.layers[0].units": [2, 3]}, "report": \#(report)}
        """#
    }

    static func plan(_ report: String) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(Array(spec(report).utf8)), file: "fig.json")
    }

    @Test func readsFormatsAndWidth() throws {
        #expect(try Self.plan("{}").figures == .standard)
        #expect(FigureOptions.standard.formats == [.png, .svg, .pdf] && FigureOptions.standard.width == 7)
        let column = try Self.plan(#"{"formats": ["pdf", "png"], "width": "column"}"#).figures
        #expect(column.formats == [.png, .pdf] && column.width == 3.5)
        #expect(try Self.plan(#"{"width": "full"}"#).figures.width == 7)
        #expect(try Self.plan(#"{"width": 4.75}"#).figures.width == 4.75)
    }

    @Test(arguments: [
        (#"{"formats": []}"#, "report.formats: formats is a list of png, svg and pdf, at least one"),
        (#"{"formats": ["jpg"]}"#, "report.formats[0]: unknown figure format \"jpg\""),
        (#"{"formats": ["pdf", "pdf"]}"#, "report.formats[1]: \"pdf\" is listed twice"),
        (#"{"width": "half"}"#, "report.width: width is \"full\" (7 in), \"column\" (3.5 in) or a number of inches from 2 to 12, not \"half\""),
        (#"{"width": 1}"#, "report.width: width is a number of inches from 2 to 12 (or \"full\", \"column\"), not 1.0"),
        (#"{"size": 3}"#, "report.size"),
    ])
    func refuses(_ report: String, _ message: String) {
        do {
            _ = try Self.plan(report)
            Issue.record("accepted \(report)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    /// Only the chosen formats are in the script; a column-wide PDF is 3.5 × 2.975 in with 7 pt
    /// type, no title and its key above the plot, while the screen formats keep theirs.
    @Test func scriptsDrawTheChosenFormatsAtTheChosenSize() {
        let curves = [GnuplotScript.Curve(label: "a", column: 2, countColumn: 3, seeds: 1)]
        let only = GnuplotScript.sweepCurves(.loss(name: "mse"), title: "T", curves: curves, hasValidation: false, logScale: false, omitted: 0,
                                             figures: FigureOptions(formats: [.svg], width: 7))
        #expect(only.contains("set terminal svg") && !only.contains("pngcairo") && !only.contains("pdfcairo"))
        let full = GnuplotScript.sweepCurves(.loss(name: "mse"), title: "T", curves: curves, hasValidation: false, logScale: false, omitted: 0)
        #expect(full.contains("set terminal pdfcairo size 7in,4.2in noenhanced font \"sans,8\""))
        let narrow = GnuplotScript.sweepCurves(.loss(name: "mse"), title: "T", curves: curves, hasValidation: false, logScale: false, omitted: 0,
                                               figures: FigureOptions(formats: [.png, .pdf], width: 3.5))
        let pdf = String(narrow[narrow.range(of: "set terminal pdfcairo")!.lowerBound...])
        #expect(pdf.hasPrefix("set terminal pdfcairo size 3.5in,2.975in noenhanced font \"sans,7\"\nset output 'loss.pdf'\nunset title\nset key outside top center horizontal box opaque\n"))
        #expect(!pdf.contains("\nset title") && narrow.contains("\nset title 'T'"))
        // The screen's PNG keeps its title and key beside the plot.
        let png = String(narrow[..<narrow.range(of: "set terminal pdfcairo")!.lowerBound])
        #expect(png.contains("set terminal pngcairo size 1000,600") && !png.contains("unset title"))
        // A figure without a key gets none in print either; its own `set title` lines go.
        let heatmap = GnuplotScript.heatmap(title: "H", value: "v", xLabel: "x", xValues: ["1", "2"], yLabel: "y", yValues: ["1"],
                                            lowerIsBetter: true, range: nil, figures: FigureOptions(formats: [.pdf], width: 3.5))
        #expect(!heatmap.contains("set key outside top") && heatmap.contains("unset key") && heatmap.contains("unset title"))
        let importance = AnalysisPlots.importanceScript(title: "I", figures: FigureOptions(formats: [.pdf], width: 3.5))
        #expect(!importance.contains("\nset title") && importance.contains("unset title"))
    }

    /// Drawn by gnuplot: the sweep's figures in the chosen formats only, the PDF at 3.5 in
    /// (252 pt) wide, fonts embedded; the page shows the PNG when there is no SVG.
    @Test func aSweepDrawsWhatTheSpecAsks() async throws {
        let gnuplot = try #require(Gnuplot.find())
        let root = temporaryDirectory()
        let plan = try Self.plan(#"{"formats": ["png", "pdf"], "width": "column"}"#)
        _ = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: gnuplot).run(progress: .silent)
        let dir = root + "/fig"
        for name in ["loss", "accuracy", "heatmap"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(name).png") && FileManager.default.fileExists(atPath: "\(dir)/\(name).pdf"), "\(name)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(name).svg"), "\(name)")
        }
        let page = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        #expect(page.contains("<img src=\"loss.png\"") && page.contains("<a href=\"loss.pdf\">PDF</a>") && !page.contains("loss.svg"))
        guard let info = try toolOutput("/usr/bin/pdfinfo", [dir + "/loss.pdf"]) else { return }
        // 3.5 in × 2.975 in at 72 pt an inch.
        #expect(info.contains("Page size:       252 x 214.2 pts") || info.contains("Page size:       252 x 214 pts"), "\(info)")
    }
}
