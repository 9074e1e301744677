import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

@Suite struct SearchTests {
    static let base = #"""
    {"name": "s", "dataset": {"name": "moons", "samples": 40, "validation": 0.25},
     "model": {"activation": "tanh", "layers": [{"units": 4}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 3},
     "seeds": [7, 8], EXTRA}
    """#

    static func plan(_ extra: String, overrides: [String] = []) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(base.replacingOccurrences(of: "EXTRA", with: extra)), file: "s.json",
                      overrides: overrides.map { try Override.parse($0) })
    }

    static func number(_ v: JSONValue) -> Double {
        guard case let .number(text) = v, let x = Double(text) else { return .nan }
        return x
    }

    /// SciPy 1.17.1, `qmc.Sobol(d=21, scramble=False, bits=32).random(4096)`, each value
    /// times 2^32: the last point, and Σ x[n][d]·(n+1)·(d+1) mod 2^64 over all of them
    /// (checks every direction number the first 4096 points use, in all 21 dimensions).
    @Test func sobolEqualsSciPysUnscrambledSequence() {
        var sobol = Sobol(dimensions: 21)
        var total: UInt64 = 0, last = [UInt32]()
        for n in 0..<4096 {
            last = sobol.next()
            for (d, x) in last.enumerated() { total &+= UInt64(x) &* UInt64(n + 1) &* UInt64(d + 1) }
        }
        #expect(total == 4_162_425_319_283_752_960)
        #expect(last == [1048576, 4042260480, 1435500544, 3872391168, 4038066176, 338690048, 4077912064, 1678770176, 823132160,
                         1058013184, 2446327808, 1380974592, 1584398336, 2232418304, 2366636032, 1789919232, 267386880,
                         2616197120, 3492806656, 2238709760, 969932800])
    }

    static let space = #""search": {"sampler": "SAMPLER", "trials": 200, "seed": 3, "space": {"optimizer.learning_rate": {"loguniform": [1e-4, 1.0]}, "model.layers[0].units": {"int": [2, 256], "log": true}, "optimizer.momentum": {"uniform": [0.0, 0.99]}, "model.activation": {"choice": ["relu", "tanh"]}}}"#

    /// Every draw in its range; log spacing puts half the draws below the geometric middle
    /// (1e-2 for [1e-4, 1]; 16 for [2, 256] as ln-uniform over [1.5, 256.5]: e^((ln 1.5 +
    /// ln 256.5)/2) = 19.6), uniform half below the middle; both choices drawn.
    @Test(arguments: ["random", "sobol"])
    func drawsStayInRangeWithTheirSpacing(_ sampler: String) throws {
        let p = try Self.plan(Self.space.replacingOccurrences(of: "SAMPLER", with: sampler))
        #expect(p.configurationCount == 200 && p.runs.count == 400)
        #expect(p.searchAxes.map(\.label) == ["lr", "units", "momentum", "act"])
        let lr = p.searchAxes[0].values.map(Self.number), units = p.searchAxes[1].values.map(Self.number)
        let momentum = p.searchAxes[2].values.map(Self.number)
        #expect(lr.allSatisfy { (1e-4...1).contains($0) } && units.allSatisfy { (2...256).contains($0) && $0 == $0.rounded() })
        #expect(momentum.allSatisfy { (0...0.99).contains($0) })
        let below = (lr.filter { $0 < 1e-2 }.count, units.filter { $0 < 19.6 }.count, momentum.filter { $0 < 0.495 }.count)
        for (name, n) in [("lr", below.0), ("units", below.1), ("momentum", below.2)] {
            #expect((80...120).contains(n), "\(name): \(n) of 200 below the middle")
        }
        #expect(Set(p.searchAxes[3].values.map { $0.serialized(indent: nil) }) == ["\"relu\"", "\"tanh\""])
    }

    /// The trial's values go into every run's spec at full precision; the id rounds them.
    @Test func runIdsNameTheTrialAndRoundedValues() throws {
        let p = try Self.plan(#""grid": {"model.activation": ["relu", "tanh"]}, "search": {"trials": 3, "space": {"optimizer.learning_rate": {"loguniform": [1e-3, 1.0]}}}"#)
        #expect(p.configurationCount == 6 && p.runs.count == 12)
        let first = p.runs[0]
        let lr = Self.number(p.searchAxes[0].values[0])
        #expect(first.spec.optimizer.learningRate == lr)
        #expect(first.id == "trial=0,lr=\(String(format: "%.3g", lr)),act=relu,seed=7")
        #expect(p.runs[2].id.hasPrefix("trial=0,") && p.runs[2].id.contains(",act=tanh,"))
        #expect(p.runs[4].id.hasPrefix("trial=1,"))
        // config.json is a plain run: no search, no grid, the sampled value in full.
        #expect(first.config["search"] == nil && first.config["grid"] == nil)
        #expect(first.config["optimizer"]?["learning_rate"] == p.searchAxes[0].values[0])
    }

    @Test func theSameSeedGivesTheSameTrialsAndAnotherSeedOthers() throws {
        let spec = Self.space.replacingOccurrences(of: "SAMPLER", with: "random")
        let a = try Self.plan(spec), b = try Self.plan(spec)
        #expect(a.runs.map(\.id) == b.runs.map(\.id))
        let c = try Self.plan(spec, overrides: ["search.seed=4"])
        #expect(a.searchAxes[0].values != c.searchAxes[0].values)
        let fewer = try Self.plan(spec, overrides: ["search.trials=5"])
        #expect(fewer.configurationCount == 5)
        // The first trials do not depend on how many are drawn.
        #expect(Array(a.searchAxes[0].values.prefix(5)) == fewer.searchAxes[0].values)
    }

    @Test(arguments: [
        (#"{"trials": 0, "space": {"optimizer.learning_rate": {"uniform": [0, 1]}}}"#, "s.json: search.trials: trials must be from 1 to 1000000"),
        (#"{"sampler": "grid", "trials": 2, "space": {"optimizer.learning_rate": {"uniform": [0, 1]}}}"#, "s.json: search.sampler: unknown sampler \"grid\"; expected one of random, sobol, tpe"),
        (#"{"trials": 2, "space": {}}"#, "s.json: search.space: expected an object of \"path\": {distribution}, with at least one path"),
        (#"{"trials": 2, "space": {"optimizer.learning_rate": {"loguniform": [0, 1]}}}"#, "s.json: search.space.optimizer.learning_rate.loguniform: a log-uniform range must be above 0"),
        (#"{"trials": 2, "space": {"optimizer.learning_rate": {"uniform": [1, 0.5]}}}"#, "s.json: search.space.optimizer.learning_rate.uniform: expected [low, high] with low < high"),
        (#"{"trials": 2, "space": {"model.layers[0].units": {"int": [0, 8], "log": true}}}"#, "s.json: search.space.model.layers[0].units.int: a log-spaced int range must start at 1 or above"),
        (#"{"trials": 2, "space": {"optimizer.learning_rate": {"uniform": [0, 1], "choice": [1]}}}"#, "s.json: search.space.optimizer.learning_rate: names uniform and choice: one distribution per path"),
        (#"{"trials": 2, "space": {"optimizer.learning_rate": {"uniform": [0, 1], "log": true}}}"#, "s.json: search.space.optimizer.learning_rate: \"log\" belongs to an int distribution (loguniform is the log-scale real one)"),
        (#"{"trials": 2, "space": {"seeds": {"choice": [1, 2]}}}"#, "s.json: search.space.seeds: seeds cannot be searched"),
        (#"{"trials": 2, "batch": 2, "space": {"optimizer.learning_rate": {"uniform": [0, 1]}}}"#, "s.json: search.batch: belongs to the tpe sampler"),
        (#"{"sampler": "tpe", "trials": 2, "batch": 0, "space": {"optimizer.learning_rate": {"uniform": [0, 1]}}}"#, "s.json: search.batch: batch must be from 1 to 10000"),
    ])
    func badSearchesAreOneLineErrors(_ search: String, _ message: String) {
        #expect { _ = try Self.plan(#""search": "# + search) } throws: { error in
            "\(error)" == message
        }
    }

    @Test func aFieldIsEitherSearchedOrOnTheGrid() {
        #expect { _ = try Self.plan(#""grid": {"optimizer.learning_rate": [0.1, 0.2]}, "search": {"trials": 2, "space": {"optimizer.learning_rate": {"uniform": [0, 1]}}}"#) } throws: { error in
            "\(error)" == "s.json: search.space.optimizer.learning_rate: the grid sweeps optimizer.learning_rate too: a field is either searched or on the grid"
        }
    }

    /// Trials are drawn when the plan is made: a search sweep gives the same results at
    /// --jobs 1 and --jobs 2; summary.csv has a column per searched field.
    @Test func aSearchSweepIsTheSameWhateverTheJobs() throws {
        let plan = try Self.plan(#""search": {"sampler": "sobol", "trials": 4, "space": {"optimizer.learning_rate": {"loguniform": [0.01, 1.0]}, "model.activation": {"choice": ["relu", "tanh"]}}}"#)
        var csv = [String]()
        for jobs in [1, 2] {
            let root = temporaryDirectory()
            _ = try Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: plan.runs.count))
            let rows = CSV.parse(try String(contentsOfFile: root + "/s/summary.csv", encoding: .utf8))
            let seconds = rows[0].firstIndex(of: "seconds")!
            csv.append(rows.map { r in r.enumerated().filter { $0.offset != seconds }.map(\.element).joined(separator: ",") }.joined(separator: "\n"))
            #expect(Array(rows[0].prefix(3)) == ["run_id", "optimizer.learning_rate", "model.activation"])
            #expect(rows.count == 9)
        }
        #expect(csv[0] == csv[1])
    }
}

@Suite struct ObjectiveTests {
    static func plan(_ objective: String, validation: String = "0.25") throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(#"""
        {"name": "o", "dataset": {"name": "moons", "samples": 80, "validation": VALIDATION},
         "model": {"activation": "tanh", "layers": [{"units": 4}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 20}, "seeds": [1, 2],
         "grid": {"optimizer.learning_rate": [0.01, 0.5, 3.0]}, OBJECTIVE}
        """#.replacingOccurrences(of: "OBJECTIVE", with: objective).replacingOccurrences(of: "VALIDATION", with: validation)), file: "o.json")
    }

    /// The same runs ranked two ways: by val_accuracy, highest first, and by val_loss,
    /// lowest first; each order is what sorting the runs' own means gives.
    @Test func rankingFollowsTheObjective() throws {
        let root = temporaryDirectory()
        let accuracy = try Self.plan(#""objective": {"metric": "val_accuracy"}"#)
        #expect(accuracy.objective == Objective(metric: .valAccuracy, mode: .max))
        let results = try Sweep(plan: accuracy, jobs: 2, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 6)).results
        let ranked = Summary.ranked(results)
        func mean(_ c: Int, _ value: (EpochRecord) -> Double?) -> Double {
            let v = results.filter { $0.run.configurationIndex == c }.compactMap { $0.kept.flatMap(value) }
            return v.reduce(0, +) / Double(v.count)
        }
        let accuracies: [Double] = (0..<3).map { c in mean(c) { $0.validationAccuracy } }
        let byAccuracy: [Int] = (0..<3).sorted { a, b in accuracies[a] != accuracies[b] ? accuracies[a] > accuracies[b] : a < b }
        #expect(ranked.map(\.index) == byAccuracy)
        #expect(ranked.map(\.mean) == byAccuracy.map { accuracies[$0] })
        let md = try String(contentsOfFile: root + "/o/summary.md", encoding: .utf8)
        #expect(md.contains("ranked by mean val_accuracy across seeds (higher is better)."))
        let loss = try Self.plan(#""objective": {"metric": "val_loss", "mode": "min"}"#)
        var relabelled = results
        for i in relabelled.indices { relabelled[i].run.objective = loss.objective }
        let losses: [Double] = (0..<3).map { c in mean(c) { $0.validationLoss } }
        let byLoss: [Int] = (0..<3).sorted { losses[$0] < losses[$1] }
        #expect(Summary.ranked(relabelled).map(\.index) == byLoss)
    }

    @Test func badObjectivesAreOneLineErrors() throws {
        #expect { _ = try Self.plan(#""objective": {"metric": "test_accuracy"}"#) } throws: { error in
            "\(error)" == "o.json: objective.metric: unknown metric \"test_accuracy\" (did you mean \"val_accuracy\"?)"
        }
        #expect { _ = try Self.plan(#""objective": {"metric": "val_loss", "mode": "down"}"#) } throws: { error in
            "\(error)" == "o.json: objective.mode: unknown mode \"down\"; expected one of min, max"
        }
        #expect { _ = try Self.plan(#""objective": {"metric": "val_loss"}"#, validation: "0").buildData() } throws: { error in
            "\(error)" == "o.json: objective.metric: val_loss needs a validation split: set dataset.validation (a fraction such as 0.2)"
        }
    }
}
