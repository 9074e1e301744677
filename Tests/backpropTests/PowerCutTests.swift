import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// A power cut at every write step of a sweep (`BACKPROP_POWER_CUT_AFTER=N`, `PowerCut` in
/// ResultsDirectory.swift): the process dies after the Nth temporary file or rename, and every
/// file written since the last flush to disk is emptied first, the worst the kernel may do with
/// data not yet written back. After each cut, a run with a status file has its complete
/// metrics and model, and the same command run again ends with the uninterrupted results.
@Suite struct PowerCutTests {
    static let spec = CLI.temporarySpec(#"""
    {"name": "cut", "dataset": {"name": "xor"},
     "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5},
     "training": {"epochs": 12, "checkpoint": {"every_epochs": 5}}, "seeds": [1, 2]}
    """#)
    static let ids = ["seed=1", "seed=2"]
    static let environment = ["BACKPROP_GNUPLOT": "/nonexistent"]

    func withoutSeconds(_ path: String) throws -> [[String]] {
        CSV.parse(try String(contentsOfFile: path, encoding: .utf8)).map { Array($0.dropLast()) }
    }

    @Test func nothingCompleteIsLostAtAnyWriteStep() throws {
        let reference = temporaryPath("reference")
        let whole = try CLI.run(["run", Self.spec, "--results", reference, "--jobs", "1"], environment: Self.environment)
        try #require(whole.status == 0, "\(whole.stderr)")
        var cuts = 0
        for step in 1...400 {
            let root = temporaryPath("cut")
            defer { try? FileManager.default.removeItem(atPath: root) }
            let cut = try CLI.run(["run", Self.spec, "--results", root, "--jobs", "1"],
                                  environment: Self.environment.merging(["BACKPROP_POWER_CUT_AFTER": "\(step)"]) { $1 })
            if cut.status == 0 { break }  // the sweep has fewer steps: every one was cut once
            try #require(cut.status == 137, "step \(step): \(cut.stderr)")
            cuts += 1
            // What survived: a readable status file promises a complete run.
            for id in Self.ids {
                let run = "\(root)/cut/runs/\(id)", ref = "\(reference)/cut/runs/\(id)"
                guard let text = try? String(contentsOfFile: run + "/status.json", encoding: .utf8), StatusFile(text: text) != nil else { continue }
                #expect(try withoutSeconds(run + "/metrics.csv") == withoutSeconds(ref + "/metrics.csv"), "step \(step), \(id)")
                #expect(try String(contentsOfFile: run + "/model.json", encoding: .utf8) == String(contentsOfFile: ref + "/model.json", encoding: .utf8),
                        "step \(step), \(id)")
            }
            // The same command again finishes the sweep, equal to the uninterrupted one.
            let again = try CLI.run(["run", Self.spec, "--results", root, "--jobs", "1"], environment: Self.environment)
            try #require(again.status == 0, "step \(step), then run again: \(again.stderr)")
            for id in Self.ids {
                let run = "\(root)/cut/runs/\(id)", ref = "\(reference)/cut/runs/\(id)"
                #expect(try withoutSeconds(run + "/metrics.csv") == withoutSeconds(ref + "/metrics.csv"), "step \(step), \(id)")
                #expect(try String(contentsOfFile: run + "/model.json", encoding: .utf8) == String(contentsOfFile: ref + "/model.json", encoding: .utf8))
            }
            // summary.csv's seconds column is its second last.
            let summary = { (r: String) in try self.withoutSeconds(r + "/cut/summary.csv").map { Array($0.dropLast()) } }
            #expect(try summary(root) == summary(reference), "step \(step)")
        }
        // spec.json, provenance, two config.json, checkpoints, metrics, models, status files,
        // summaries: each is two steps.
        #expect(cuts >= 30, "\(cuts) cut points")
    }
}
