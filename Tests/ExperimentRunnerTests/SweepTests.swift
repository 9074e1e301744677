import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The runner end to end, into a temporary folder, without gnuplot.
@Suite struct SweepTests {

    static func temporaryDirectory() -> String { TestSupport.temporaryDirectory() }

    static let tiny = #"""
    {"name": "tiny", "dataset": {"name": "moons", "samples": 60, "noise": 0.2, "validation": 0.25},
     "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 15, "batch_size": 8},
     "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.01, 1.0], "model.layers[0].units": [2, 6]}}
    """#

    static func run(_ json: String, jobs: Int, root: String) async throws -> [RunResult] {
        let plan = try SweepPlan(json: try JSONParser.parse(json), file: "tiny.json")
        return try await Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil)
            .run(progress: Progress(style: .quiet, total: plan.runs.count)).results
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func writesEveryFileWithTheRightRows() async throws {
        let root = Self.temporaryDirectory()
        let results = try await Self.run(Self.tiny, jobs: 2, root: root)
        #expect(results.count == 8 && results.allSatisfy { $0.status == .completed })
        let dir = root + "/tiny"
        for file in ["spec.json", "summary.csv", "summary.md", "curves.csv", "loss.gp"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(file)")
        }
        for r in results {
            let run = dir + "/runs/" + r.run.id
            for file in ["config.json", "metrics.csv", "model.json", "loss.gp"] {
                #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(r.run.id)/\(file)")
            }
            let metrics = CSV.parse(try read(run + "/metrics.csv"))
            #expect(metrics[0] == ["epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "learning_rate", "seconds"])
            #expect(metrics.count == 1 + 16)  // header, epoch 0, 15 epochs
            #expect(metrics.dropFirst().map { $0[0] } == (0...15).map(String.init))
        }
        let summary = CSV.parse(try read(dir + "/summary.csv"))
        #expect(summary.count == 9)
        #expect(summary[0].prefix(6) == ["run_id", "optimizer.learning_rate", "model.layers[0].units", "seed", "status", "epochs"])
        #expect(summary[1].prefix(6) == ["lr=0.01,units=2,seed=1", "0.01", "2", "1", "completed", "15"])
        // The ranking in summary.md follows the mean final validation loss.
        let ranked = Summary.ranked(results)
        let means = ranked.map { $0.mean! }
        #expect(means == means.sorted())
        let md = try read(dir + "/summary.md")
        let firstRow = md.split(separator: "\n").first { $0.hasPrefix("| 1 |") }!
        #expect(firstRow.contains("`\(ranked[0].configurationID)`"))
        // A run's config.json reproduces it: one seed, no grid.
        let config = try JSONParser.parse(try read(dir + "/runs/lr=1.0,units=6,seed=2/config.json"))
        #expect(config["grid"] == nil && config["seeds"] == .array([.number("2")]))
        #expect(config["optimizer"]?["learning_rate"] == .number("1.0"))
    }

    @Test func sameNumbersWithOneJobOrFour() async throws {
        let a = Self.temporaryDirectory(), b = Self.temporaryDirectory()
        let first = try await Self.run(Self.tiny, jobs: 1, root: a)
        _ = try await Self.run(Self.tiny, jobs: 4, root: b)
        func withoutSeconds(_ text: String) -> [[String]] { CSV.parse(text).map { Array($0.dropLast()) } }
        for r in first {
            let x = try read(a + "/tiny/runs/\(r.run.id)/metrics.csv"), y = try read(b + "/tiny/runs/\(r.run.id)/metrics.csv")
            #expect(withoutSeconds(x) == withoutSeconds(y), "\(r.run.id)")
            #expect(try read(a + "/tiny/runs/\(r.run.id)/model.json") == read(b + "/tiny/runs/\(r.run.id)/model.json"))
        }
    }

    @Test func xorSpecReproducesTheNumPyReference() async throws {
        let root = Self.temporaryDirectory()
        let plan = try SweepPlan.load(file: packageRoot + "/experiments/xor.json")
        let results = try await Sweep(plan: plan, jobs: 1, resultsRoot: root, gnuplot: nil)
            .run(progress: Progress(style: .quiet, total: 1)).results
        #expect(results.map(\.run.id) == ["seed=42"])
        let model = try JSONParser.parse(try read(root + "/xor/runs/seed=42/model.json"))
        func numbers(_ v: JSONValue?) -> [Double] {
            switch v {
            case let .number(t)?: return [Double(t)!]
            case let .array(items)?: return items.flatMap { numbers($0) }
            case let .object(members)?: return members.flatMap { numbers($0.value) }
            default: return []
            }
        }
        // NumPy reference of the engine issue (see XORReproductionTests).
        let layers = numbers(model["layers"]) // w1, b1, w2, b2 in order
        expectClose(layers, [3.699130304854009, 5.6990859972710135, 3.7057967944310346, 5.730695039263278,
                             -5.670515882705507, -2.375811630724831, -8.026635365285362, 7.4211608201554755,
                             -3.3500097700534406], tolerance: 1e-9)
    }

    @Test func everyExampleSpecPlans() throws {
        let dir = packageRoot + "/experiments"
        let specs = try FileManager.default.contentsOfDirectory(atPath: dir).filter { ($0.hasSuffix(".json") || YAMLSpec.isYAML($0)) && $0 != "spec.schema.json" }
        #expect(specs.count >= 5 && specs.contains { YAMLSpec.isYAML($0) })
        for spec in specs {
            let plan = try SweepPlan.load(file: dir + "/" + spec)
            _ = try plan.buildData()
        }
        // The YAML example is its JSON twin but for the name.
        let yaml = try SweepPlan.load(file: dir + "/moons-sweep.yaml"), json = try SweepPlan.load(file: dir + "/moons-sweep.json")
        func withoutName(_ v: JSONValue) -> JSONValue {
            guard case let .object(members) = v else { return v }
            return .object(members.filter { $0.key != "name" })
        }
        #expect(yaml.runs.map { withoutName($0.config) } == json.runs.map { withoutName($0.config) })
        #expect(yaml.runs.map(\.id) == json.runs.map(\.id))
    }
}
