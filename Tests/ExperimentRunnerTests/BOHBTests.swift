import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// BOHB: a tpe search with successive halving. Each batch of 4 is halved among itself (rungs
/// at epochs 2, 4, 8 with η = 2: 4 trials reach epoch 2, 2 reach 4, 1 reaches 8), and the
/// next batch is proposed from the highest rung that `startup_trials` (5) trials reached.
@Suite struct BOHBTests {
    static let spec = #"""
    {"name": "bohb", "dataset": {"name": "moons", "samples": 120, "noise": 0.2, "seed": 0, "validation": 0.25},
     "model": {"layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 8, "batch_size": 16}, "seeds": [1, 2],
     "search": {"sampler": "tpe", "trials": 16, "batch": 4, "startup_trials": 5, "seed": 1,
                "space": {"optimizer.learning_rate": {"loguniform": [0.001, 3]}, "model.layers[0].units": {"int": [1, 32], "log": true}}},
     "scheduler": {"name": "successive_halving", "min_epochs": 2, "reduction": 2}}
    """#

    static func run(_ root: String, jobs: Int) async throws -> Sweep.Report {
        let plan = try SweepPlan(json: try JSONParser.parse(spec), file: "bohb.json")
        return try await Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func trial(_ r: RunResult) -> Int { r.run.configurationIndex }

    @Test func eachBatchIsHalvedAmongItselfAndTheModelRungIsTheHighestWithEnoughTrials() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await Self.run(root, jobs: 2)
        #expect(report.results.count == 32 && report.missing == 0)
        // Per batch, per seed: two trials stopped at epoch 2, one at 4, one trained to 8.
        for batch in 0..<4 {
            let runs = report.results.filter { Self.trial($0) / 4 == batch }
            let ends = runs.map { $0.status == .stopped ? $0.epochs : $0.status == .completed ? 8 : -1 }.sorted()
            #expect(ends == [2, 2, 2, 2, 4, 4, 8, 8], "batch \(batch)")
        }
        let plan = try SweepPlan(json: try JSONParser.parse(Self.spec), file: "bohb.json").replayed(in: ResultsDirectory(root: root, name: "bohb"))
        #expect(plan.proposedTrials.count == 16)
        // After two batches (8 trials): 2 reached epoch 8, 4 reached 4, 8 reached 2: the model is at epoch 2.
        let two = plan.modelRung(report.results.filter { Self.trial($0) < 8 })
        #expect(two?.epoch == 2 && two?.observations.map { $0.trial } == Array(0..<8))
        // After three (12): 3 at 8, 6 at 4: epoch 4, from the six trials that reached it, each
        // the mean of its two seeds' val_loss at epoch 4.
        let three = plan.modelRung(report.results.filter { Self.trial($0) < 12 })
        let reached = Set(report.results.filter { Self.trial($0) < 12 && $0.epochs >= 4 }.map(Self.trial))
        #expect(three?.epoch == 4 && three.map { Set($0.observations.map { $0.trial }) } == reached && reached.count == 6)
        for (t, loss) in three?.observations ?? [] {
            let seeds = report.results.filter { Self.trial($0) == t }.map { $0.rows[4].record.validationLoss! }
            #expect(loss == (seeds[0] + seeds[1]) / 2)
        }
        // With all 16: 4 at epoch 8, 8 at 4.
        #expect(plan.modelRung(report.results)?.epoch == 4)
        // With one batch only (4 trials reached each rung at most): none has 5, random.
        #expect(plan.modelRung(report.results.filter { Self.trial($0) < 4 }) == nil)
    }

    @Test func theSameTrialsWhateverTheJobsAndAfterAnInterruption() async throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        _ = try await Self.run(a, jobs: 1)
        _ = try await Self.run(b, jobs: 2)
        let trials = try read(a + "/bohb/trials.csv")
        #expect(try read(b + "/bohb/trials.csv") == trials)
        // Killed in batch 3 (trials 8-11): its runs cut short, the later trials never proposed.
        for id in try FileManager.default.contentsOfDirectory(atPath: b + "/bohb/runs") {
            let trial = Int(id.split(separator: ",")[0].dropFirst("trial=".count))!
            if trial >= 12 { try FileManager.default.removeItem(atPath: b + "/bohb/runs/" + id) }
            if (8..<12).contains(trial) { try? FileManager.default.removeItem(atPath: b + "/bohb/runs/" + id + "/status.json") }
        }
        let again = try await Self.run(b, jobs: 2)
        #expect(again.trained.count == 16)
        #expect(try read(b + "/bohb/trials.csv") == trials)
        let summary = try read(b + "/bohb/summary.md")
        #expect(summary.contains("BOHB: each batch of 4 trials is scheduled among itself"))
    }
}
