import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// `batch_norm` and `dropout` in a spec's layers: checked, sweepable, sized in `plan`, shown
/// in `trace`.
@Suite struct RegulariserSpecTests {
    static func layer(_ fields: String) -> (inout String) -> Void {
        { $0 = $0.replacingOccurrences(of: #"{"units": 2, "activation": "tanh"}"#, with: #"{"units": 2, "activation": "tanh", "# + fields + "}") }
    }

    @Test(arguments: [
        (#""dropout": 1"#, "x.json: model.layers[0].dropout: dropout must be from 0 up to (not including) 1: the fraction of the layer's outputs zeroed in training"),
        (#""dropout": -0.1"#, "x.json: model.layers[0].dropout: dropout must be from 0 up to (not including) 1: the fraction of the layer's outputs zeroed in training"),
        (#""dropout": "0.5""#, #"x.json: model.layers[0].dropout: expected a number, found the string "0.5""#),
        (#""batch_norm": "yes""#, #"x.json: model.layers[0].batch_norm: expected true or false, found the string "yes""#),
        (#""batchnorm": true"#, #"x.json: model.layers[0].batchnorm: unknown key (did you mean "batch_norm"?)"#),
    ])
    func badFieldsAreNamed(_ fields: String, _ message: String) {
        #expect(specError(Self.layer(fields)) == message)
    }

    @Test func theOutputLayerTakesNoDropout() {
        #expect(specError { $0 = $0.replacingOccurrences(of: #"{"units": 1, "activation": "sigmoid"}"#, with: #"{"units": 1, "activation": "sigmoid", "dropout": 0.1}"#) }
            == "x.json: model.layers[1].dropout: the output layer cannot take dropout (it would zero the network's outputs); give it to a hidden layer")
    }

    /// xor has 4 rows: batches of 1, and batches of 3 (the last one of 1 row), have no variance.
    @Test func batchNormNeedsTwoRowsInEveryBatch() throws {
        for (batch, why) in [(1, "batches here have 1"), (3, "the last batch of each epoch has 1 (4 rows in batches of 3)")] {
            let text = #"""
                {"name": "t", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh", "batch_norm": true}, {"units": 1, "activation": "sigmoid"}]},
                 "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 1, "batch_size": BATCH}}
                """#.replacingOccurrences(of: "BATCH", with: String(batch))
            let plan = try SweepPlan(json: try JSONParser.parse(text), file: "x.json")
            #expect(throws: SpecError.self) { _ = try plan.buildData() }
            do { _ = try plan.buildData() } catch {
                #expect("\(error)" == "x.json: training.batch_size: batch normalisation needs at least 2 rows in every batch, but \(why); choose another batch_size")
            }
        }
    }

    /// Grid axes over both, and a search over the rate: each run's layers carry its values.
    @Test func bothAreSweepable() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 3},
             "grid": {"model.layers[0].batch_norm": [false, true], "model.layers[0].dropout": [0, 0.5]}}
            """#), file: "p.json")
        #expect(plan.runs.map { $0.spec.model.layers[0].batchNorm } == [false, false, true, true])
        #expect(plan.runs.map { $0.spec.model.layers[0].dropout } == [0, 0.5, 0, 0.5])
        let search = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "s", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 3},
             "search": {"sampler": "random", "trials": 20, "seed": 1, "space": {"model.layers[0].dropout": {"uniform": [0.1, 0.6]}}}}
            """#), file: "s.json")
        let rates = search.runs.map { $0.spec.model.layers[0].dropout }
        #expect(rates.count == 20 && rates.allSatisfy { (0.1..<0.6).contains($0) } && Set(rates).count == 20)
    }

    /// Parameters and FLOPs by hand for xor (4 rows, no validation), 2-2(tanh, batch norm,
    /// dropout 0.5)-1: W 4 + b 2 + γ 2 + β 2, then 2 + 1 = 13 parameters. FLOPs: layer 1's
    /// product 2·2·2 = 8 per row, forward and dW (8·4·2 = 64), batch norm 15 per number in
    /// training (2·15·4 = 120), dropout 2 (2·2·4 = 16); layer 2's 2·2 = 4, forward, dW, dx
    /// (4·4·3 = 48): 248.
    @Test func sizesCountBatchNormAndDropout() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh", "batch_norm": true, "dropout": 0.5}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 3}}
            """#), file: "p.json")
        let data = try plan.buildData()[0]!
        #expect(data.parameters(of: plan.runs[0]) == 13)
        #expect(data.flopsPerEpoch(of: plan.runs[0]) == 248)
        let report = try PlanReport(plan: plan).text(jobs: 1, secondsPerEpoch: nil)
        #expect(report.contains("  2-2-1 tanh+bn+dropout(0.5),sigmoid: 13 parameters, 248 FLOPs per epoch\n"), "\(report)")
    }

    /// trace shows the batch's statistics, y, the mask and the running statistics; its JSON too.
    @Test func traceShowsEveryIntermediate() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh", "batch_norm": true, "dropout": 0.5}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "mse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 3}, "seeds": [4]}
            """#), file: "p.json")
        let (run, data) = try plan.firstRun()
        let splits = data.splits as! DataSplits<Double>
        let trace = run.traceFirstStep(splits)
        let network = run.initialNetwork(inputs: 2)
        let text = TraceReport.text(trace, network: network, loss: "mse", optimizer: run.spec.optimizer, digits: 8)
        for line in ["  layer 1 (2 -> 2, tanh, batch norm, dropout 0.5)\n", "    μ = [", "    σ² = [", "    y = [", "    f(y) = [", "    mask = [",
                     "    dγ = [", "    dβ = [", "    γ = [", "Running statistics after the step (momentum 0.1, unbiased variance), layer 1\n", "    running_var = ["] {
            #expect(text.contains(line), "\(line)")
        }
        // The mask's entries are 0 or 1/(1 - 0.5) = 2.
        #expect(trace.forward[0].mask!.elements.allSatisfy { $0 == 0 || $0 == 2 })
        let json = TraceReport.json(trace)
        func first(_ v: JSONValue?) -> JSONValue? { if case let .array(items)? = v { return items.first } else { return nil } }
        #expect(first(json["forward"])?["mask"] != nil && first(json["running_statistics"])?["running_mean"] != nil)
        #expect(first(json["backward"])?["dscale"] != nil && first(json["updated"])?["shift"] != nil)
    }

    /// Dropout's masks and batch statistics depend on the run alone: --jobs 1 and 2 write the
    /// same metrics and models, run for run.
    @Test func theSameNumbersWhateverTheJobs() async throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "j", "dataset": {"name": "moons", "samples": 80, "validation": 0.25},
             "model": {"layers": [{"units": 8, "activation": "relu", "batch_norm": true, "dropout": 0.3}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01}, "training": {"epochs": 20, "batch_size": 16},
             "seeds": [1, 2, 3], "grid": {"model.layers[0].dropout": [0.1, 0.5]}}
            """#), file: "j.json")
        var folders = [String]()
        for jobs in [1, 2] {
            let root = temporaryDirectory()
            _ = try await Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: plan.runs.count))
            folders.append(root + "/j/runs/")
        }
        func withoutSeconds(_ path: String) throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        for run in plan.runs {
            #expect(try withoutSeconds(folders[0] + run.id + "/metrics.csv") == withoutSeconds(folders[1] + run.id + "/metrics.csv"), "\(run.id)")
            #expect(try String(contentsOfFile: folders[0] + run.id + "/model.json", encoding: .utf8)
                    == String(contentsOfFile: folders[1] + run.id + "/model.json", encoding: .utf8))
        }
        // The rate changes the numbers: the two configurations of a seed differ.
        #expect(try withoutSeconds(folders[0] + plan.runs[0].id + "/metrics.csv") != withoutSeconds(folders[0] + plan.runs[3].id + "/metrics.csv"))
    }
}
