import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// summary.tex: LaTeX's special characters escaped, a booktabs table with the best of each
/// column in bold, and a document around it that pdflatex compiles (where pdflatex is
/// installed: .ci/run installs texlive-latex-recommended and poppler-utils).
@Suite struct SummaryLaTeXTests {
    @Test func escapeMakesEverySpecialCharacterPrintItself() {
        #expect(LaTeX.escape(#"% & # $ _ { } ~ ^ \ <a|b>"#)
            == ##"\% \& \# \$ \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{} \textless{}a\textbar{}b\textgreater{}"##)
        #expect(LaTeX.escape("a\nb\u{7}c\u{e9}\u{4e2d}") == "a b c\u{e9}?")
    }

    static func which(_ tool: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + tool }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `tool` in `directory`; its exit status.
    static func run(_ tool: String, _ arguments: [String], in directory: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func aSweepsTableCompilesWithItsBestValuesInBold() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "tex_1.a+b", "dataset": {"name": "moons", "samples": 80, "noise": 0.2, "seed": 0, "validation": 0.25},
             "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 15, "batch_size": 8}, "seeds": [1, 2],
             "grid": {"optimizer.learning_rate": [0.01, 0.5, 2.0]}}
            """#), file: "tex.json")
        let report = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
        let tex = try String(contentsOfFile: root + "/tex_1.a+b/summary.tex", encoding: .utf8)
        let lines = tex.split(separator: "\n")
        #expect(lines.contains("\\toprule") && lines.contains("\\midrule") && lines.contains("\\bottomrule"))
        #expect(tex.contains("tex\\_1.a+b") && tex.contains("val\\_loss"))
        // Rank 1's loss and the highest accuracy are bold, and nothing else in those columns.
        let ranked = Summary.ranked(report.results)
        let rows = lines.filter { $0.first?.isNumber == true }
        #expect(rows.count == 3)
        #expect(rows[0].contains("\\textbf{\(Summary.format(ranked[0].mean!)) $\\pm$"))
        #expect(rows.dropFirst().allSatisfy { !$0.split(separator: "&")[2].contains("textbf") })
        let bestAccuracy = ranked.compactMap(\.meanAccuracy).max()!
        for (row, r) in zip(rows, ranked) {
            let cell = row.split(separator: "&")[3]
            #expect(cell.contains("textbf") == (r.meanAccuracy == bestAccuracy), "\(row)")
        }
        guard let pdflatex = Self.which("pdflatex") else { return }
        let document = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs}\n\\begin{document}\n"
            + "\\input{summary.tex}\n\n\(LaTeX.escape(#"% & # $ _ { } ~ ^ \ <|> été"#))\n\\end{document}\n"
        let dir = root + "/tex_1.a+b"
        try document.write(toFile: dir + "/paper.tex", atomically: true, encoding: .utf8)
        #expect(try Self.run(pdflatex, ["-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "paper.tex"], in: dir) == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/paper.pdf"))
        guard let pdftotext = Self.which("pdftotext") else { return }
        #expect(try Self.run(pdftotext, ["paper.pdf", "paper.txt"], in: dir) == 0)
        let text = try String(contentsOfFile: dir + "/paper.txt", encoding: .utf8)
        #expect(text.contains(#"% & # $ _ { } ~ ^ \ <|> été"#), "\(text)")
        #expect(text.contains("val_loss") && text.contains("lr=0.5"))
    }
}
