import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// A results folder written before this version: its status.json files count no network
/// size (no "parameters", "flops_per_epoch"), and it has no summary.tex and no PDF figures.
/// summarize writes them, verify still finds every run identical, and a rerun skips them.
@Suite struct OlderFoldersTests {
    @Test func foldersWithoutTheNewFieldsAreReadAsBefore() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "old", "dataset": {"name": "moons", "samples": 60, "validation": 0.25},
             "model": {"layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 5}, "seeds": [1, 2],
             "grid": {"optimizer.learning_rate": [0.1, 0.5]}}
            """#), file: "old.json")
        _ = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
        let dir = root + "/old"
        let summary = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        // Made old: the size fields out of every status.json, summary.tex gone.
        for id in try FileManager.default.contentsOfDirectory(atPath: dir + "/runs") {
            let file = dir + "/runs/" + id + "/status.json"
            guard case let .object(members) = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file)))) else { Issue.record("status"); return }
            #expect(members.contains { $0.key == "parameters" })
            let older = JSONValue.object(members.filter { $0.key != "parameters" && $0.key != "flops_per_epoch" })
            try (older.serialized() + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
        try FileManager.default.removeItem(atPath: dir + "/summary.tex")
        _ = try SweepReport.forResults(dir, gnuplot: nil).summarize(progress: Progress(style: .quiet, total: 0))
        #expect(try String(contentsOfFile: dir + "/summary.md", encoding: .utf8) == summary)
        #expect(FileManager.default.fileExists(atPath: dir + "/summary.tex"))
        for run in plan.runs {
            #expect(try Verification.verify(runDirectory: dir + "/runs/" + run.id).identical, "\(run.id)")
        }
        let again = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
        #expect(again.trained.isEmpty && again.skipped == 4)
    }
}
