import BackpropCore
import ExperimentRunner
import Foundation
import Synchronization
import Testing

/// The live line: the best run so far by the metric that ranks (named), and how far the runs
/// in flight are, redrawn during long runs, never wider than the terminal.
@Suite struct ProgressTests {
    static func plan(objective: String) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(#"""
        {"name": "p", "dataset": {"name": "moons", "samples": 40, "validation": 0.25},
         "model": {"activation": "tanh", "layers": [{"units": 4}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 5},
         "seeds": [7], "grid": {"optimizer.learning_rate": [0.5, 0.1]}\#(objective)}
        """#), file: "p.json")
    }

    final class Screen: Sendable {
        let text = Mutex("")
        var lines: [String] { text.withLock { $0 }.components(separatedBy: "\r\u{1B}[K").filter { !$0.isEmpty } }
    }

    @Test(arguments: [("", "val_loss"), (#", "objective": {"metric": "val_accuracy"}"#, "val_accuracy")])
    func theLiveLineNamesTheMetricAndTheRunsInFlight(objective: String, metric: String) throws {
        let plan = try Self.plan(objective: objective)
        let data = try plan.buildData()
        let screen = Screen()
        let progress = Progress(style: .live, total: 2, columns: 200) { s in screen.text.withLock { $0 += s } }
        #expect(progress.showsRunning)
        progress.running(plan.runs[1], epoch: 3)
        #expect(screen.lines.last?.hasPrefix("[0/2] elapsed 00:00, ETA 00:00 · lr=0.1,seed=7 3/5") == true, "\(screen.lines)")
        // A second report within a quarter of a second updates the run but does not redraw.
        progress.running(plan.runs[1], epoch: 4)
        #expect(screen.lines.count == 1)

        let (result, _) = data[0]!.splits.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil)!
        let value = try #require(result.finalRankingLoss)
        progress.finished(result)
        // The finished run leaves the runs in flight; the one still training shows its last epoch.
        let line = try #require(screen.lines.last)
        #expect(line.hasPrefix("[1/2] elapsed 00:00, ETA 00:00 · best \(metric) \(Summary.format(value)) (lr=0.5,seed=7) · lr=0.1,seed=7 4/5"),
                "\(line)")
        #expect(!line.hasSuffix("\n"))
    }

    @Test func theLineIsCutToTheTerminalsWidth() throws {
        let plan = try Self.plan(objective: "")
        let screen = Screen()
        let progress = Progress(style: .live, total: 2, columns: 24) { s in screen.text.withLock { $0 += s } }
        progress.running(plan.runs[1], epoch: 3)
        // 23 characters: one column is left for the cursor.
        #expect(screen.lines.last == "[0/2] elapsed 00:00, E…")
    }

    @Test func onlyTheLiveStyleFollowsEpochs() throws {
        let plan = try Self.plan(objective: "")
        let screen = Screen()
        let progress = Progress(style: .lines, total: 2) { s in screen.text.withLock { $0 += s } }
        #expect(!progress.showsRunning)
        progress.running(plan.runs[1], epoch: 3)
        #expect(screen.text.withLock { $0 }.isEmpty)
    }
}
