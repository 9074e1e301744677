import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The report rewritten during a long sweep: when it is due, and that the last report is
/// the same with or without the refreshes before it.
@Suite struct ReportRefreshTests {
    @Test func dueEveryThirtySecondsWithinFivePercentOfTheSweep() {
        let policy = ReportRefresh()
        #expect(!policy.isDue(now: 29.9, last: nil, spent: 0, cost: 0))  // not before 30 s
        #expect(policy.isDue(now: 30, last: nil, spent: 0, cost: 0))
        #expect(!policy.isDue(now: 80, last: 60, spent: 1, cost: 0.5))  // 20 s since the last
        #expect(policy.isDue(now: 100, last: 60, spent: 4, cost: 1))     // 4 + 1 = 5% of 100 s
        #expect(!policy.isDue(now: 100, last: 60, spent: 4.5, cost: 1))  // 5.5 s would be over 5%
        // An expensive report (8 s) waits until the sweep is long enough to afford it.
        #expect(!policy.isDue(now: 150, last: 40, spent: 8, cost: 8))
        #expect(policy.isDue(now: 320, last: 40, spent: 8, cost: 8))
    }

    @Test func theLastReportIsTheSameWithOrWithoutRefreshes() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
        {"name": "refresh", "dataset": {"name": "moons", "samples": 60, "validation": 0.25},
         "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 30},
         "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.1, 0.5], "model.layers[0].units": [2, 4]}}
        """#), file: "refresh.json")
        var files = [[String: String]]()
        for every in [Double.infinity, 0] {
            let root = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            var sweep = Sweep(plan: plan, jobs: 1, resultsRoot: root, gnuplot: nil)
            sweep.refresh = ReportRefresh(every: every, share: 1e9)
            let report = try sweep.run(progress: Progress(style: .quiet, total: plan.runs.count))
            // One refresh after each of the 8 runs (one at a time, on one thread), or none.
            #expect(report.refreshes == (every == 0 ? 8 : 0))
            var texts = [String: String]()
            for name in ["summary.csv", "summary.md", "curves.csv", "heatmap.csv", "index.html", "loss.gp", "accuracy.gp"] {
                // summary.csv's seconds differ from run to run: compared without them.
                // index.html names the results folder, which differs: it is replaced.
                let text = try String(contentsOfFile: "\(root)/refresh/\(name)", encoding: .utf8).replacingOccurrences(of: root, with: "ROOT")
                texts[name] = name == "summary.csv" ? CSV.parse(text).map { $0.dropLast(2).joined(separator: ",") }.joined(separator: "\n") : text
            }
            files.append(texts)
        }
        for (name, text) in files[0] { #expect(text == files[1][name], "\(name)") }
    }
}
