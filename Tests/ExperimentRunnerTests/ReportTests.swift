import BackpropCore
import ExperimentRunner
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// The report: heatmap values, paired comparisons, diagnostics columns, decision boundaries,
/// and index.html.
@Suite struct ReportTests {
    static let spec = #"""
    {"name": "report", "description": "a <small> & quick sweep", "dataset": {"name": "moons", "samples": 80, "noise": 0.2, "validation": 0.25},
     "model": {"layers": [{"units": 4, "activation": "relu"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 20, "batch_size": 8, "diagnostics": true},
     "seeds": [1, 2, 3], "grid": {"optimizer.learning_rate": [0.05, 0.5], "model.layers[0].units": [2, 6, 12]}}
    """#

    static func run(_ json: String = spec, gnuplot: Gnuplot? = nil) async throws -> (String, [RunResult]) {
        let root = temporaryDirectory()
        let plan = try SweepPlan(json: try JSONParser.parse(json), file: "report.json")
        let report = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: gnuplot)
            .run(progress: Progress(style: .quiet, total: plan.runs.count))
        return (root + "/" + plan.name, report.results)
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func heatmapCellsAreTheMeansOfTheirConfigurations() async throws {
        let (dir, results) = try await Self.run()
        let cells = CSV.parse(try read(dir + "/heatmap.csv"))
        #expect(cells[0] == ["x", "y", "value", "label"] && cells.count == 1 + 6)
        // Cell (x = units index, y = lr index): the mean validation accuracy of its 3 seeds, in %.
        for (y, lr) in ["0.05", "0.5"].enumerated() {
            for (x, units) in ["2", "6", "12"].enumerated() {
                let runs = results.filter { $0.run.id.hasPrefix("lr=\(lr),units=\(units),") }
                #expect(runs.count == 3)
                let mean = runs.map { $0.kept!.validationAccuracy! }.reduce(0, +) / 3 * 100
                let cell = cells.first { $0[0] == String(x) && $0[1] == String(y) }!
                expectClose(Double(cell[2])!, mean, tolerance: 1e-12)
                #expect(cell[3] == String(format: "%.1f%%", mean))
            }
        }
        let script = try read(dir + "/heatmap.gp")
        #expect(script.contains("set xtics ('2' 0, '6' 1, '12' 2)") && script.contains("set ytics ('0.05' 0, '0.5' 1)"))
        #expect(script.contains("report: mean validation accuracy (%) over 3 seeds"))
    }

    @Test func divergedCellsSayDiverged() async throws {
        let plan = try SweepPlan(json: try JSONParser.parse(ResumeTests.exploding.replacingOccurrences(
            of: #""grid": {"optimizer.learning_rate": [0.05, 100]}"#,
            with: #""grid": {"optimizer.learning_rate": [0.05, 100], "model.layers[0].units": [2, 4]}"#)), file: "x.json")
        let results = try await Sweep(plan: plan, jobs: 2, resultsRoot: temporaryDirectory(), gnuplot: nil)
            .run(progress: Progress(style: .quiet, total: plan.runs.count)).results
        let heatmap = Heatmap(plan: plan, ranked: Summary.ranked(results), accuracy: false)!
        #expect(heatmap.cells.filter { $0.y == 1 }.allSatisfy { $0.value == nil && $0.label == "diverged" })
        #expect(heatmap.cells.filter { $0.y == 0 }.allSatisfy { $0.value != nil })
        #expect(heatmap.csv.contains(",NaN,diverged\n"))
    }

    @Test func pairedComparisonsCountSeedBySeed() async throws {
        let (dir, results) = try await Self.run()
        let ranked = Summary.ranked(results)
        let paired = PairedComparison.againstBest(results, ranked: ranked)
        #expect(paired.count == 5 && paired.allSatisfy { $0.best == ranked[0].configurationID && $0.seeds == 3 })
        for p in paired {
            func loss(_ configuration: String, _ seed: UInt64) -> Double {
                results.first { $0.run.configurationID == configuration && $0.run.seed == seed }!.finalRankingLoss!
            }
            let differences = [1, 2, 3].map { loss(p.other, UInt64($0)) - loss(p.best, UInt64($0)) }
            #expect(p.wins == differences.filter { $0 > 0 }.count)
            expectClose(p.meanDifference!, differences.reduce(0, +) / 3, tolerance: 1e-15)
        }
        let md = try read(dir + "/summary.md")
        #expect(md.contains("## Paired comparisons"))
        #expect(md.contains("- " + paired[0].sentence + "\n"))
        #expect(paired[0].sentence.hasPrefix("`\(ranked[0].configurationID)` beats `\(ranked[1].configurationID)` on \(paired[0].wins) of 3 seeds; mean difference "))
    }

    @Test func diagnosticsColumnsAndBoundaryFiles() async throws {
        let (dir, results) = try await Self.run()
        let run = dir + "/runs/" + results[0].run.id
        let metrics = CSV.parse(try read(run + "/metrics.csv"))
        #expect(metrics[0] == ["epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "learning_rate",
                               "grad_norm_1", "grad_norm_2", "weight_norm_1", "weight_norm_2", "dead_relu_1", "seconds"])
        #expect(metrics[1][6] == "" && metrics[1][10] == "" && Double(metrics[1][8])! > 0)  // epoch 0: weights only
        #expect(Double(metrics[2][6])! > 0 && (0...1).contains(Double(metrics[2][10])!))
        #expect(try read(run + "/diagnostics.gp").contains("using 1:7 with lines"))
        // A boundary for the best run of each of the 6 configurations.
        let boundaries = results.filter { FileManager.default.fileExists(atPath: dir + "/runs/\($0.run.id)/boundary.gp") }
        #expect(Set(boundaries.map(\.run.configurationIndex)).count == 6 && boundaries.count == 6)
        let grid = try read(dir + "/runs/\(boundaries[0].run.id)/boundary.csv").split(separator: "\n")
        #expect(grid.count == 1 + DecisionBoundary.resolution * DecisionBoundary.resolution)
        #expect(CSV.parse(try read(dir + "/runs/\(boundaries[0].run.id)/points.csv")).count == 1 + 60)
    }

    /// index.html is well-formed, escapes what it shows, and every file it links exists.
    @Test func reportPageIsWellFormedAndItsLinksExist() async throws {
        let (dir, _) = try await Self.run(gnuplot: Gnuplot.find())
        let html = try read(dir + "/index.html")
        #expect(html.contains("a &lt;small&gt; &amp; quick sweep"))
        #expect(html.contains("backprop run '"))
        final class Links: NSObject, XMLParserDelegate {
            var links = [String]()
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                if let src = attributes["src"] { links.append(src) }
                if let href = attributes["href"] { links.append(href) }
            }
        }
        let parser = XMLParser(data: Data(html.utf8)), collector = Links()
        parser.delegate = collector
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        #expect(collector.links.contains("loss.svg") && collector.links.contains("heatmap.svg"))
        #expect(collector.links.contains { $0.hasSuffix("/boundary.svg") } && collector.links.contains { $0.hasSuffix("/diagnostics.svg") })
        for link in collector.links {
            let path = dir + "/" + (link.removingPercentEncoding ?? link)
            #expect(FileManager.default.fileExists(atPath: path), "\(link)")
        }
    }

    /// At many configurations the page shows the 100 best and counts the rest; summary.md
    /// ranks them all, one line each.
    @Test func aPageOfManyConfigurationsShowsTheBestHundred() async throws {
        let (dir, results) = try await Self.run(#"""
        {"name": "many", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "mse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 2}, "seeds": [1],
         "search": {"trials": 130, "seed": 3, "space": {"optimizer.learning_rate": {"loguniform": [0.01, 1]}}}}
        """#)
        #expect(results.count == 130)
        let html = try read(dir + "/index.html")
        // The ranking table: a header and 100 rows, each with its reproduce command.
        #expect(html.components(separatedBy: "<td class=\"left\"><code>backprop run '").count - 1 == 100)
        #expect(html.contains("30 more configurations: <a href=\"summary.md\">summary.md</a> ranks them all"))
        // The loss plot draws the best 8: 20 of the other 122 are named, then counted.
        #expect(html.contains("Not drawn in the loss plot (122 of 130 configurations;"))
        #expect(html.contains(" and 102 more (summary.md ranks them all)."))
        let md = try read(dir + "/summary.md")
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| rank") }.count == 130)
    }
}
