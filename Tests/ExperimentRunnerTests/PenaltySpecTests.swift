import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// `optimizer.l1` and `training.clip_grad_norm` in specs: checked, sweepable, and in trace.
@Suite struct PenaltySpecTests {
    @Test(arguments: [
        (#""l1": -0.1"#, "x.json: optimizer.l1: l1 must be 0 or more"),
        (#""l1": "a""#, #"x.json: optimizer.l1: expected a number, found the string "a""#),
    ])
    func badL1IsNamed(_ field: String, _ message: String) {
        #expect(specError { $0 = $0.replacingOccurrences(of: #""learning_rate": 0.5"#, with: #""learning_rate": 0.5, "# + field) } == message)
    }

    @Test(arguments: ["0", "-1"])
    func clipMustBePositive(_ value: String) {
        #expect(specError { $0 = $0.replacingOccurrences(of: #""epochs": 10"#, with: #""epochs": 10, "clip_grad_norm": "# + value) }
            == "x.json: training.clip_grad_norm: clip_grad_norm must be a positive number (the largest 2-norm a step's gradient keeps)")
    }

    /// A grid over both: every configuration carries its own, into the engine's configuration.
    @Test func bothAreSweepable() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 3},
             "grid": {"optimizer.l1": [0, 0.001], "training.clip_grad_norm": [0.5, 1]}}
            """#), file: "p.json")
        let configurations = plan.runs.map { ($0.trainingConfiguration.optimizer.l1, $0.trainingConfiguration.clipGradNorm) }
        #expect(configurations.map(\.0) == [0, 0, 0.001, 0.001] && configurations.map(\.1) == [0.5, 1, 0.5, 1])
    }
}
