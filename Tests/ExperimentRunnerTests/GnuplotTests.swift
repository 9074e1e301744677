import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Rendering through long-lived gnuplot processes: a script's error is its own (reported with
/// gnuplot's message), the next script still renders, and folders are quoted as gnuplot reads them.
@Suite struct GnuplotTests {
    @Test func aFailedScriptIsReportedAndTheNextOneStillRenders() throws {
        let gnuplot = try #require(Gnuplot.find(), "gnuplot is a dependency (make deps installs it)")
        let root = temporaryDirectory() + "/it's here"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        func script(_ name: String, _ plot: String) -> String {
            writeFile("set terminal pngcairo size 200,100\nset output \"\(name).png\"\n\(plot)\nset output\n", to: root + "/\(name).gp")
        }
        try gnuplot.render(file: script("a", "plot x"))
        #expect(FileManager.default.fileExists(atPath: root + "/a.png"))
        #expect(throws: Gnuplot.Failure.self) { try gnuplot.render(file: script("b", "plot nosuchfunction(x)")) }
        do { try gnuplot.render(file: root + "/b.gp") } catch {
            #expect(error.description.contains("undefined function: nosuchfunction"), "\(error)")
        }
        // The settings of one script never leak into the next (each starts from `reset session`).
        try gnuplot.render(file: script("c", "plot sin(x)"))
        #expect(FileManager.default.fileExists(atPath: root + "/c.png"))
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/a.png"))
        try gnuplot.render(file: root + "/a.gp")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/a.png")) == a)
    }

    /// What `reset session` leaves alone (here a terminal's font: gnuplot keeps a terminal's
    /// options from one `set terminal` to the next) never passes from one script to the next:
    /// a script loaded after one with another font is drawn as by a gnuplot of its own.
    @Test func aTerminalsOptionsDoNotPassToTheNextScript() throws {
        let gnuplot = try #require(Gnuplot.find())
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/alone", withIntermediateDirectories: true)
        let script = "set terminal pngcairo size 200,100\nset output \"a.png\"\nplot x\nset output\n"
        writeFile(script, to: root + "/alone/a.gp")
        writeFile(script, to: root + "/a.gp")
        writeFile("set terminal pngcairo size 200,100 noenhanced font \"sans,20\"\nset output \"big.png\"\nplot x\nset output\n",
                  to: root + "/big.gp")
        // The reference: gnuplot run on the script alone.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gnuplot.executable)
        process.arguments = ["a.gp"]
        process.currentDirectoryURL = URL(fileURLWithPath: root + "/alone")
        try process.run()
        process.waitUntilExit()
        let alone = try Data(contentsOf: URL(fileURLWithPath: root + "/alone/a.png"))
        for round in 0..<3 {
            try gnuplot.render(file: root + "/big.gp")
            try gnuplot.render(file: root + "/a.gp")
            #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/a.png")) == alone, "round \(round)")
        }
    }

    /// A session's gnuplot changes folder with each plot: relative paths (`--results results`)
    /// must still name the folder the caller means, plot after plot.
    @Test func relativePathsNameTheCallersFolders() throws {
        let gnuplot = try #require(Gnuplot.find())
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // root as a path relative to this process's folder.
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + root.drop { $0 == "/" }
        for folder in ["one", "two/deeper", "three"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
            writeFile("set terminal pngcairo size 200,100\nset output \"p.png\"\nplot x\nset output\n", to: root + "/" + folder + "/p.gp")
            try gnuplot.render(file: relative + "/" + folder + "/p.gp")
            #expect(FileManager.default.fileExists(atPath: root + "/" + folder + "/p.png"), "\(folder)")
        }
    }

    /// gnuplot's svg terminal carries state from a multiplot into the next graph, which
    /// `reset session` does not clear (it changed the report's confusion.svg after trials.svg
    /// in the same session): an SVG rendered after a multiplot script is byte for byte the one
    /// a gnuplot of its own draws.
    @Test func aPlotAfterAMultiplotIsDrawnAsByAFreshGnuplot() throws {
        let gnuplot = try #require(Gnuplot.find())
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let terminal = "set terminal svg size 300,200 dynamic noenhanced font \"sans,10\" background \"white\"\n"
        let multiplot = writeFile(terminal + "set output \"m.svg\"\nset multiplot layout 1,2 title \"m\"\n"
            + "plot x with points pt 7 lc rgb \"#0072B2\"\nplot x*x with points pt 6 lc rgb \"#999999\"\nunset multiplot\nset output\n",
            to: root + "/m.gp")
        let plot = writeFile(terminal + "set output \"p.svg\"\nplot sin(x)\nset output\n", to: root + "/p.gp")
        // What gnuplot draws on its own, in a process of its own.
        let fresh = Process()
        fresh.executableURL = URL(fileURLWithPath: gnuplot.executable)
        fresh.arguments = ["p.gp"]
        fresh.currentDirectoryURL = URL(fileURLWithPath: root)
        try fresh.run()
        fresh.waitUntilExit()
        let alone = try Data(contentsOf: URL(fileURLWithPath: root + "/p.svg"))
        try FileManager.default.removeItem(atPath: root + "/p.svg")
        for _ in 0..<2 {
            try gnuplot.render(file: multiplot)
            try gnuplot.render(file: plot)
            #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/p.svg")) == alone)
        }
    }

    /// Every sweep figure is also a vector PDF, its fonts embedded (checked with poppler's
    /// pdffonts where it is installed), and the page links it.
    @Test func sweepFiguresAreAlsoPDFsWithTheirFontsEmbedded() async throws {
        let gnuplot = try #require(Gnuplot.find())
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "pdf", "dataset": {"name": "moons", "samples": 60, "validation": 0.25}, "model": {"layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 5}, "seeds": [1], "grid": {"optimizer.learning_rate": [0.1, 0.5]}}
            """#), file: "pdf.json")
        _ = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: gnuplot).run(progress: Progress(style: .quiet, total: 0))
        let page = try String(contentsOfFile: root + "/pdf/index.html", encoding: .utf8)
        for name in ["loss", "accuracy"] {
            let pdf = try Data(contentsOf: URL(fileURLWithPath: root + "/pdf/\(name).pdf"))
            #expect(pdf.prefix(5) == Data("%PDF-".utf8) && pdf.count > 1000)
            #expect(page.contains("<a href=\"\(name).pdf\">PDF</a>"))
        }
        guard let listing = try toolOutput("/usr/bin/pdffonts", [root + "/pdf/loss.pdf"]) else { return }
        // pdffonts: a header naming the columns, a rule, then a line per font; its emb column
        // (at the header's "emb") says yes for an embedded font.
        let lines = listing.split(separator: "\n").map(String.init)
        let column = try #require(lines.first?.range(of: " emb ")).lowerBound.utf16Offset(in: lines[0]) + 1
        let fonts = lines.dropFirst(2)
        #expect(!fonts.isEmpty && fonts.allSatisfy { Array($0.utf8).dropFirst(column).prefix(3).elementsEqual("yes".utf8) }, "\(listing)")
    }
}
