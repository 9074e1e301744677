import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Specs in YAML: the same runs and numbers as the same spec in JSON, JSON's scalar rules,
/// and errors that name the file, line and column.
@Suite struct YAMLSpecTests {
    static let json = #"""
    {"name": "same", "dataset": {"name": "moons", "samples": 60, "noise": 0.2, "seed": 0, "validation": 0.25},
     "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.9},
     "training": {"epochs": 12, "batch_size": 8}, "seeds": [1, 2],
     "grid": {"optimizer.learning_rate": [0.05, 1e-1]}}
    """#
    static let yaml = """
    # The same spec as `json`.
    name: same
    dataset: {name: moons, samples: 60, noise: 0.2, seed: 0, validation: 0.25}
    model:
      layers:
        - units: 4
          activation: tanh
        - {units: 1, activation: sigmoid}
    loss: binary_cross_entropy
    optimizer: {name: sgd, learning_rate: 0.5, momentum: 0.9}
    training:
      epochs: 12
      batch_size: 8
    seeds: [1, 2]
    grid:
      optimizer.learning_rate: [0.05, 1e-1]

    """

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func theSameSpecInYAMLTrainsTheSameNumbersByteForByte() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.json.write(toFile: root + "/same.json", atomically: true, encoding: .utf8)
        try Self.yaml.write(toFile: root + "/same.yaml", atomically: true, encoding: .utf8)
        let fromJSON = try SweepPlan.load(file: root + "/same.json"), fromYAML = try SweepPlan.load(file: root + "/same.yaml")
        #expect(fromYAML.specJSON == fromJSON.specJSON && fromYAML.runs.map(\.id) == fromJSON.runs.map(\.id))
        for (plan, folder) in [(fromJSON, "json"), (fromYAML, "yaml")] {
            _ = try await Sweep(plan: plan, jobs: 2, resultsRoot: root + "/" + folder, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
        }
        // spec.json is the canonical JSON either way, the numbers as written (1e-1 stays 1e-1).
        let spec = try read(root + "/yaml/same/spec.json")
        #expect(spec == (try read(root + "/json/same/spec.json")) && spec.contains("1e-1"))
        for run in fromJSON.runs {
            func metrics(_ folder: String) throws -> [String] {
                try read(root + "/\(folder)/same/runs/\(run.id)/metrics.csv").split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
            }
            #expect(try metrics("yaml") == metrics("json"))
            #expect(try read(root + "/yaml/same/runs/\(run.id)/model.json") == read(root + "/json/same/runs/\(run.id)/model.json"))
        }
    }

    @Test func scalarsAreReadAsJSONReadsThem() throws {
        let (json, _) = try YAMLSpec.parse(Array("""
            a: 1e-3
            b: .5
            c: "0.1"
            d: yes
            e: ~
            f: null
            g: true
            h: -0
            i: 007
            j: 12
            k: 'text'
            l:
            """.utf8), file: "s.yaml")
        let expected: [(String, JSONValue)] = [("a", .number("1e-3")), ("b", .string(".5")), ("c", .string("0.1")), ("d", .string("yes")),
                                               ("e", .null), ("f", .null), ("g", .bool(true)), ("h", .number("-0")), ("i", .string("007")),
                                               ("j", .number("12")), ("k", .string("text")), ("l", .null)]
        for (key, value) in expected { #expect(json[key] == value, "\(key)") }
    }

    @Test(arguments: [
        ("name: x\ndataset: {name: moons}\nmodel:\n  layers:\n    - {units: 8, activaton: tanh}\n", "s.yaml:5:29: model.layers[0].activaton: unknown key (did you mean \"activation\"?)"),
        ("name: x\n  dataset: [1, 2\n", "s.yaml:2:10: invalid YAML: mapping values are not allowed in this context"),
        ("name: x\nname: y\n", "s.yaml:1:1: invalid YAML: the key name appears twice"),
        // A billion laughs: six levels of ten aliases each would be 10^6 lists.
        (Self.laughs, "s.yaml:1:35: f[7][8][8][8][8][9]: expands to more than 1000000 values (through its aliases?)"),
        (String(repeating: "[", count: 300), "s.yaml: nested more than 256 levels deep"),
        ("", "s.yaml: is empty: a spec is a mapping of its fields"),
    ])
    func errorsNameTheFileLineAndColumn(_ text: String, _ message: String) throws {
        let file = temporaryPath() + ".yaml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try SweepPlan.load(file: file)
            Issue.record("accepted")
        } catch {
            let shown = "\(error)".replacingOccurrences(of: file, with: "s.yaml")
            #expect(shown.hasPrefix(message), "\(shown)")
        }
    }

    static var laughs: String {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = ["a", "b", "c", "d", "e"]
        for i in 1..<5 {
            let items = [String](repeating: "*" + names[i - 1], count: 10)
            lines.append(names[i] + ": &" + names[i] + " [" + items.joined(separator: ", ") + "]")
        }
        let last = [String](repeating: "*e", count: 10)
        lines.append("f: [" + last.joined(separator: ", ") + "]")
        return lines.joined(separator: "\n") + "\n"
    }

    /// An alias is its anchor's value.
    @Test func aliasesAreTheirAnchorsValues() throws {
        let (json, _) = try YAMLSpec.parse(Array("a: &x [1, 2]\nb: *x\n".utf8), file: "s.yaml")
        #expect(json["b"] == .array([.number("1"), .number("2")]))
    }

    @Test func notUTF8IsRefused() throws {
        #expect(throws: SpecError.self) { try YAMLSpec.parse([0x6E, 0x3A, 0x20, 0xFF], file: "s.yaml") }
    }

    /// A grid over model.activation needs no base activation: the grid's values are the base's.
    @Test func aGridValueCountsAsTheBaseValue() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "act", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 3}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 2}, "grid": {"model.activation": ["relu", "tanh"]}}
            """#), file: "act.json")
        #expect(plan.runs.map { $0.spec.model.layers.map(\.activation.rawValue) } == [["relu", "sigmoid"], ["tanh", "sigmoid"]])
    }
}
