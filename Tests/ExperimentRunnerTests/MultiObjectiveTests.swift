import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Sweeps with several `objectives`: the spec's rules, the size objectives counted by hand,
/// and pareto.csv against a brute-force front over trials.csv.
@Suite struct MultiObjectiveTests {
    static let base = #"""
    {"name": "mo", "dataset": {"name": "moons", "samples": 40, "noise": 0.2, "seed": 0, "validation": 0.25},
     "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 15, "batch_size": 8}, "seeds": [1, 2], EXTRA}
    """#

    static func plan(_ extra: String) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(base.replacingOccurrences(of: "EXTRA", with: extra)), file: "mo.json")
    }

    static let two = #""objectives": [{"metric": "val_loss"}, {"metric": "parameters"}]"#
    static let search = #""search": {"sampler": "tpe", "trials": 12, "batch": 3, "startup_trials": 5, "seed": 4, "space": {"optimizer.learning_rate": {"loguniform": [0.01, 3]}, "model.layers[0].units": {"int": [1, 32], "log": true}}}"#

    @Test(arguments: [
        (#""objective": {"metric": "parameters"}"#, "objective.metric", "list it in \"objectives\""),
        (#""objectives": [{"metric": "flops"}, {"metric": "val_loss"}]"#, "objectives[0]", "must be a training metric"),
        (#""objectives": [{"metric": "val_loss"}, {"metric": "val_loss", "mode": "max"}]"#, "objectives[1]", "listed twice"),
        (#""objectives": []"#, "objectives", "must not be empty"),
        (#""objective": {"metric": "val_loss"}, "objectives": [{"metric": "val_loss"}]"#, "objectives", "not both"),
        (two + #", "grid": {"optimizer.learning_rate": [0.1, 0.5]}, "scheduler": {"name": "successive_halving", "min_epochs": 3}"#, "objectives", "one objective"),
        (two + ", " + search + #", "grid": {"model.layers[0].activation": ["tanh", "relu"]}"#, "objectives", "move the grid's axes into search.space"),
    ])
    func specRulesNameTheField(_ extra: String, _ path: String, _ message: String) {
        do {
            _ = try Self.plan(extra)
            Issue.record("accepted: \(extra)")
        } catch let error as SpecError {
            #expect(error.path == path, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        } catch { Issue.record("\(error)") }
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The front by its definition over trials.csv's rows: those whose objectives no other
    /// row's are at least as good in every one and better in one (finished rows only).
    static func bruteFront(_ trials: [[String]], columns: [Int], signs: [Double]) -> Set<String> {
        let rows = trials.dropFirst().filter { row in columns.allSatisfy { Double(row[$0]) != nil } }
        let losses = rows.map { row in zip(columns, signs).map { Double(row[$0])! * $1 } }
        var front = Set<String>()
        for (i, a) in losses.enumerated() {
            let beaten = losses.contains { b in zip(b, a).allSatisfy { $0 <= $1 } && zip(b, a).contains { $0 < $1 } }
            if !beaten { front.insert(rows[i][0]) }
        }
        return front
    }

    /// A grid over the hidden width, objectives val_loss and parameters: every run's status.json
    /// counts its parameters and FLOPs (2 inputs, u hidden, 1 output: 2u + u + u + 1 = 4u + 1
    /// parameters; 30 training and 10 validation rows: 2·2u·(2·30 + 10) + 2·u·(3·30 + 10) = 480u
    /// FLOPs per epoch), trials.csv has a column per objective, and pareto.csv is the front.
    @Test func gridFrontAndSizesByHand() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try Self.plan(Self.two + #", "grid": {"model.layers[0].units": [1, 2, 4, 8], "optimizer.learning_rate": [0.05, 1.0]}"#)
        let report = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
        #expect(report.results.count == 16 && report.missing == 0)
        for r in report.results {
            let u = Double(r.run.spec.model.layers[0].units)
            let status = try JSONParser.parse(Array(read(root + "/mo/runs/" + r.run.id + "/status.json").utf8))
            #expect(status["parameters"] == .number(String(Int(4 * u + 1))))
            #expect(status["flops_per_epoch"].flatMap { if case let .number(t) = $0 { Double(t) } else { nil } } == 480 * u)
        }
        let trials = CSV.parse(try read(root + "/mo/trials.csv"))
        #expect(trials[0] == ["configuration", "units", "lr", "objective", "finished", "val_loss", "parameters"])
        #expect(trials.count == 1 + 8)
        for row in trials.dropFirst() {
            #expect(Double(row[6]) == 4 * Double(row[1])! + 1 && row[5] == row[3])
        }
        let pareto = CSV.parse(try read(root + "/mo/pareto.csv"))
        #expect(pareto[0] == trials[0])
        #expect(Set(pareto.dropFirst().map { $0[0] }) == Self.bruteFront(trials, columns: [5, 6], signs: [1, 1]))
        // Best first by the first objective.
        let first = pareto.dropFirst().map { Double($0[5])! }
        #expect(first == first.sorted())
        let page = try read(root + "/mo/index.html"), summary = try read(root + "/mo/summary.md")
        #expect(page.contains("<h2>Pareto front</h2>") && summary.contains("## Pareto front"))
        for row in pareto.dropFirst() { #expect(summary.contains("| `\(row[0])` |")) }
    }

    /// Multi-objective TPE (val_accuracy up, parameters down): the same trials for --jobs 1 and
    /// 2, and its pareto.csv is the brute-force front of its trials.csv.
    @Test func motpeSearchIsDeterministicAndItsFrontIsTheFront() async throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let plan = try Self.plan(#""objectives": [{"metric": "val_accuracy"}, {"metric": "parameters"}], "# + Self.search)
        #expect(plan.objectives.map(\.mode) == [.max, .min])
        for (root, jobs) in [(a, 1), (b, 2)] {
            let report = try await Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
            #expect(report.results.count == 24 && report.missing == 0)
        }
        let trials = try read(a + "/mo/trials.csv")
        #expect(try read(b + "/mo/trials.csv") == trials)
        #expect(try read(b + "/mo/pareto.csv") == read(a + "/mo/pareto.csv"))
        let rows = CSV.parse(trials)
        #expect(rows[0].suffix(2) == ["val_accuracy", "parameters"] && rows.count == 13)
        let pareto = CSV.parse(try read(a + "/mo/pareto.csv"))
        #expect(Set(pareto.dropFirst().map { $0[0] }) == Self.bruteFront(rows, columns: [5, 6], signs: [-1, 1]))
    }
}
