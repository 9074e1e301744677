import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Every figure a user reads is computed once and agrees everywhere: trace with run, the
/// diverging epoch with its status, summary.csv with summary.md, the heatmap with the table,
/// curves with the seeds they claim (issue 11).
@Suite struct FiguresTests {
    static func plan(_ json: String, sets: [String] = []) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(json), file: "figures.json", overrides: try sets.map { try Override.parse($0) })
    }

    static func sweep(_ json: String, root: String) async throws -> Sweep.Report {
        let plan = try plan(json)
        return try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil)
            .run(progress: Progress(style: .quiet, total: plan.runs.count))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// A 2-3-2 network on four inline rows, full batch, one epoch.
    static func oneEpoch(_ optimizer: String, precision: String) -> String {
        #"""
        {"name": "step", "dataset": {"inputs": [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.5], [0.1, 0.9]], "targets": [0, 1, 1, 0]},
         "model": {"layers": [{"units": 3, "activation": "tanh"}, {"units": 2, "activation": "softmax"}], "init": {"scheme": "xavier"}},
         "loss": "cross_entropy", "optimizer": \#(optimizer), "training": {"epochs": 1, "precision": "\#(precision)"}, "seeds": [7]}
        """#
    }

    static let optimizers = [
        #"{"name": "sgd", "learning_rate": 0.3}"#,
        #"{"name": "sgd", "learning_rate": 0.3, "weight_decay": 0.5}"#,
        #"{"name": "sgd", "learning_rate": 0.3, "momentum": 0.9, "weight_decay": 0.1}"#,
        #"{"name": "sgd", "learning_rate": 0.3, "momentum": 0.9, "nesterov": true}"#,
        #"{"name": "adam", "learning_rate": 0.01, "weight_decay": 0.2}"#,
        #"{"name": "sgd", "learning_rate": 0.3, "schedule": {"name": "cosine", "min_learning_rate": 0.1}}"#,
    ]

    /// trace runs the trainer's own step: its updated parameters are a one-epoch full-batch
    /// run's model, bit for bit, for every optimizer, with weight decay, in both precisions.
    @Test(arguments: optimizers, ["float64", "float32"])
    func traceIsTheStepRunTakes(_ optimizer: String, _ precision: String) throws {
        let plan = try Self.plan(Self.oneEpoch(optimizer, precision: precision))
        let run = plan.runs[0]
        func check<T: Scalar>(_ d: DataSplits<T>) {
            let trace = run.traceFirstStep(d)
            let (_, network) = RunTraining.train(run, d, cancellation: Cancellation())!
            for l in network.layers.indices {
                #expect(trace.updated[l].weights == network.weights(l), "layer \(l) weights")
                #expect(trace.updated[l].biases == network.biases(l), "layer \(l) biases")
            }
        }
        let splits = try plan.buildData()[0]!.splits
        if let d = splits as? DataSplits<Double> { check(d) } else if let d = splits as? DataSplits<Float> { check(d) } else { Issue.record("neither precision") }
    }

    /// The same with batch normalisation and dropout: the trace draws the run's first mask and
    /// keeps its running statistics, so its update is the run's, γ, β and statistics included.
    @Test(arguments: ["float64", "float32"])
    func traceIsTheStepRunTakesWithBatchNormAndDropout(_ precision: String) throws {
        let json = Self.oneEpoch(Self.optimizers[2], precision: precision)
            .replacingOccurrences(of: #"{"units": 3, "activation": "tanh"}"#, with: #"{"units": 3, "activation": "tanh", "batch_norm": true, "dropout": 0.4}"#)
        let plan = try Self.plan(json)
        let run = plan.runs[0]
        func check<T: Scalar>(_ d: DataSplits<T>) {
            let trace = run.traceFirstStep(d)
            let (_, network) = RunTraining.train(run, d, cancellation: Cancellation())!
            #expect(trace.forward[0].mask != nil && trace.forward[0].batchMean != nil)
            for l in network.layers.indices {
                #expect(trace.updated[l].weights == network.weights(l) && trace.updated[l].biases == network.biases(l), "layer \(l)")
                #expect(trace.updated[l].scale == network.normalization(l)?.scale && trace.updated[l].shift == network.normalization(l)?.shift)
                #expect(trace.runningStatistics[l]?.mean == network.runningStatistics(l)?.mean)
                #expect(trace.runningStatistics[l]?.variance == network.runningStatistics(l)?.variance)
            }
        }
        let splits = try plan.buildData()[0]!.splits
        if let d = splits as? DataSplits<Double> { check(d) } else if let d = splits as? DataSplits<Float> { check(d) } else { Issue.record("neither precision") }
    }

    /// The issue's example, by hand: dW = 2·(1·1 - 0)·1 = 2, plus λ/n·W = 1, so W = 1 - 0.1·3 = 0.7;
    /// db = 2, b = 0 - 0.1·2 = -0.2. trace says so, shows the rule, and run trains the same.
    @Test func traceIncludesWeightDecay() throws {
        let json = #"""
        {"name":"wd","dataset":{"inputs":[[1.0]],"targets":[[0.0]]},"model":{"layers":[{"units":1,"activation":"linear"}],
         "parameters":[{"weights":[[1.0]],"biases":[0.0]}]},"loss":"mse","optimizer":{"name":"sgd","learning_rate":0.1,"weight_decay":1.0},
         "training":{"epochs":1}}
        """#
        let plan = try Self.plan(json)
        guard let d = try plan.buildData()[0]!.splits as? DataSplits<Double> else { Issue.record("not float64"); return }
        let trace = plan.runs[0].traceFirstStep(d)
        #expect(trace.backward[0].dW.nested == [[3.0]])
        #expect(trace.updated[0].weights.nested == [[0.7]] && trace.updated[0].biases == [-0.2])
        let text = TraceReport.text(trace, network: plan.runs[0].initialNetwork(inputs: 1), loss: "mse", optimizer: plan.runs[0].spec.optimizer, digits: nil)
        #expect(text.contains("  g = dW + λ/n · W for weights (weight decay; biases: g = db), λ = 1.0, n = 1: dW above includes λ/n · W\n  W <- W - lr · g, lr = 0.1\n"))
        #expect(text.hasSuffix("Updated parameters\n  layer 1\n    W = [[0.7]]\n    b = [-0.2]\n"))
        let (_, network) = RunTraining.train(plan.runs[0], d, cancellation: Cancellation())!
        #expect(network.weights(0).nested == [[0.7]])
    }

    /// Adam's trace shows m, v and the bias corrections it used.
    @Test func traceShowsAdamsRuleAndState() throws {
        let plan = try Self.plan(Self.oneEpoch(#"{"name": "adam", "learning_rate": 0.01}"#, precision: "float64"))
        guard let d = try plan.buildData()[0]!.splits as? DataSplits<Double> else { return }
        let trace = plan.runs[0].traceFirstStep(d)
        #expect(trace.state.map(\.name) == ["m", "v"] && trace.adamSteps == 1)
        // After one step from zero: m = (1 - β1)·g, v = (1 - β2)·g² (PyTorch's lerp and addcmul).
        let g = trace.backward[1].db[0], m = trace.state[0].layers[1].biases[0], v = trace.state[1].layers[1].biases[0]
        #expect(m == 0 + (1 - 0.9) * (g - 0))
        #expect(v == 0 * 0.999 + (1 - 0.999) * g * g)
        let text = TraceReport.text(trace, network: plan.runs[0].initialNetwork(inputs: 2), loss: "cross_entropy",
                                    optimizer: plan.runs[0].spec.optimizer, digits: nil)
        #expect(text.contains("Update (adam):\n  g = dW for weights, db for biases\n  m <- β1 · m + (1 - β1) · g, v <- β2 · v + (1 - β2) · g², β1 = 0.9, β2 = 0.999 (m, v start at 0)\n"))
        #expect(text.contains("t = 1: 1 - β1^t = 0.09999999999999998, 1 - β2^t = 0.0010000000000000009\n"))
    }

    /// Five float32 Adam epochs of the issue's example. Reference: torch.optim.Adam (PyTorch,
    /// float32, CPU) gives W = 0.0079636574 (issue 11); a NumPy float32 emulation of its
    /// _single_tensor_adam, op by op, gives the same float. Before the fix: 0.0079604164.
    @Test func float32AdamFollowsPyTorch() throws {
        let json = #"""
        {"name":"adam32","dataset":{"inputs":[[1.0]],"targets":[[-1.0]]},"model":{"layers":[{"units":1,"activation":"linear"}],
         "parameters":[{"weights":[[0.5]],"biases":[0.5]}]},"loss":"mse","optimizer":{"name":"adam","learning_rate":0.1},
         "training":{"epochs":5,"precision":"float32"}}
        """#
        let plan = try Self.plan(json)
        guard let d = try plan.buildData()[0]!.splits as? DataSplits<Float> else { Issue.record("not float32"); return }
        let (_, network) = RunTraining.train(plan.runs[0], d, cancellation: Cancellation())!
        #expect(network.weights(0)[0, 0] == Float(0.0079636574))
    }

    static let diverging = #"""
    {"name": "boom", "dataset": {"name": "sine", "samples": 20, "noise": 0},
     "model": {"layers": [{"units": 8, "activation": "relu"}, {"units": 1, "activation": "linear"}]},
     "loss": "mse", "optimizer": {"learning_rate": 5.0}, "training": {"epochs": 200}, "seeds": [1]}
    """#

    /// The epoch a run diverges at is its last row, with its non-finite values, and status
    /// and log agree.
    @Test func theDivergingEpochIsLogged() async throws {
        let root = temporaryDirectory()
        let report = try await Self.sweep(Self.diverging, root: root)
        let r = report.results[0]
        #expect(r.status == .diverged)
        let dir = root + "/boom/runs/seed=1"
        let status = StatusFile(text: try read(dir + "/status.json"))!
        let rows = CSV.parse(try read(dir + "/metrics.csv"))
        #expect(rows.last![0] == String(status.epochs))
        #expect(status.message == "loss or parameters not finite after epoch \(status.epochs)")
        #expect(rows.count == status.epochs + 2)  // the header and epochs 0...N
        #expect(rows.dropLast().dropFirst().allSatisfy { Double($0[1])!.isFinite })
        #expect(!(Double(rows.last![1]) ?? .nan).isFinite || rows.last![1] == "nan" || rows.last![1] == "inf")
    }

    static let earlyStopping = #"""
    {"name": "es", "dataset": {"name": "moons", "samples": 120, "noise": 0.3, "validation": 0.3, "seed": 3},
     "model": {"layers": [{"units": 16, "activation": "relu"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.05},
     "training": {"epochs": 300, "early_stopping": {"patience": 5}}, "seeds": [1, 2, 3],
     "grid": {"model.layers[0].units": [4, 16]}}
    """#

    /// summary.csv holds the value each ranking uses, under the name summary.md gives it:
    /// the mean of its val_loss column per configuration is summary.md's mean.
    @Test func summaryCSVHoldsWhatSummaryMDRanks() async throws {
        let root = temporaryDirectory()
        let report = try await Self.sweep(Self.earlyStopping, root: root)
        #expect(report.results.contains { $0.restoredEpoch != nil && $0.restoredEpoch != $0.epochs })
        let table = CSV.parse(try read(root + "/es/summary.csv"))
        let header = table[0]
        let id = header.firstIndex(of: "run_id")!, val = header.firstIndex(of: "val_loss")!, kept = header.firstIndex(of: "kept_epoch")!
        let accuracy = header.firstIndex(of: "val_accuracy")!
        for row in Summary.ranked(report.results) {
            let lines = table.dropFirst().filter { $0[id].hasPrefix(row.configurationID + ",") }
            let mean = lines.map { Double($0[val])! }.reduce(0, +) / Double(lines.count)
            expectClose(mean, row.mean!, tolerance: 1e-15)
            let acc = lines.map { Double($0[accuracy])! }.reduce(0, +) / Double(lines.count)
            expectClose(acc, row.meanAccuracy!, tolerance: 1e-15)
        }
        for r in report.results {
            let line = table.first { $0[id] == r.run.id }!
            #expect(line[kept] == String(r.restoredEpoch ?? r.epochs))
            #expect(line[val] == CSV.number(r.rows[r.restoredEpoch ?? r.epochs].record.validationLoss))
        }
        let md = try read(root + "/es/summary.md")
        #expect(md.contains("| rank | configuration | val_loss (mean ± std) | min | max | n | val_accuracy (mean) | notes |"))
    }

    static func result(_ run: PlannedRun, _ status: RunStatus, loss: Double) -> RunResult {
        let rows = (0...1).map { e in
            MetricsRow(record: EpochRecord(epoch: e, trainLoss: loss, validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, learningRate: 0.1), seconds: 0)
        }
        return RunResult(run: run, status: status, message: nil, rows: rows, seconds: 0)
    }

    /// One rule for a configuration with some diverged seeds: its statistics are over the
    /// completed ones, it ranks after the clean ones, and the heatmap shows the same value
    /// with the same note; a single finite cell still gets a colour.
    @Test func partialDivergenceIsOneRuleEverywhere() throws {
        let plan = try Self.plan(#"""
        {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}, "seeds": [1, 2, 3],
         "grid": {"optimizer.learning_rate": [0.1, 0.2], "training.epochs": [1, 2]}}
        """#)
        // Configuration 0: every seed diverged. 1: one completed (0.5), two diverged. 2 and 3: failed.
        var results = [RunResult]()
        for run in plan.runs {
            switch (run.configurationIndex, run.seed) {
            case (1, 1): results.append(Self.result(run, .completed, loss: 0.5))
            case (0, _), (1, _): results.append(Self.result(run, .diverged, loss: .nan))
            default: results.append(Self.result(run, .failed, loss: .nan))
            }
        }
        let ranked = Summary.ranked(results)
        #expect(ranked[0].index == 1 && ranked[0].mean == 0.5 && ranked[0].n == 1 && ranked[0].notes == "2 diverged")
        #expect(ranked[0].meanText == "0.5 ± —")
        let heatmap = Heatmap(plan: plan, ranked: ranked, accuracy: false)!
        let cell = heatmap.cells.first { $0.y == 0 && $0.x == 1 }!
        #expect(cell.value == 0.5 && cell.label == "0.5 (2 diverged)")
        #expect(heatmap.cells.first { $0.y == 0 && $0.x == 0 }!.label == "diverged")
        let range = heatmap.range!
        expectClose(range.low, 0.45, tolerance: 1e-15)
        expectClose(range.high, 0.55, tolerance: 1e-15)
        let md = Summary.markdown(results, plan: plan)
        #expect(md.contains("| 1 | `lr=0.1,epochs=2` | 0.5 ± — | 0.5 | 0.5 | 1 | 2 diverged |"))
    }

    /// curves.csv: columns named by configuration, n per epoch, NaN for the std of one
    /// value, and a diverged seed's values left out of the mean.
    @Test func curvesAreNamedAndOverTheSeedsTheyClaim() throws {
        let plan = try Self.plan(#"""
        {"name": "c", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}, "seeds": [1, 2],
         "grid": {"optimizer.learning_rate": [0.1, 0.2]}}
        """#)
        let results = [Self.result(plan.runs[0], .completed, loss: 0.25), Self.result(plan.runs[1], .diverged, loss: 1e300),
                       Self.result(plan.runs[2], .completed, loss: 0.5), Self.result(plan.runs[3], .completed, loss: 0.75)]
        let ranked = Summary.ranked(results)
        let table = Curves.table(results, configurations: ranked, hasValidation: false)
        let rows = CSV.parse(table.csv)
        #expect(rows[0] == ["epoch", "lr=0.2:n", "lr=0.2:train_mean", "lr=0.2:train_std", "lr=0.1:n", "lr=0.1:train_mean", "lr=0.1:train_std"])
        #expect(rows[2] == ["1", "2", "0.625", CSV.number(Statistics.standardDeviation([0.5, 0.75])), "1", "0.25", "nan"])
        #expect(table.allValues.allSatisfy { $0 < 1 })
    }

    /// report.curves chooses how many configurations the plots draw; the page names the rest.
    @Test func plotsSayWhichConfigurationsAreLeftOut() async throws {
        let root = temporaryDirectory()
        let json = #"""
        {"name": "many", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 3}, "seeds": [1], "report": {"curves": 2},
         "grid": {"optimizer.learning_rate": [0.1, 0.2, 0.3, 0.4]}}
        """#
        let report = try await Self.sweep(json, root: root)
        let ranked = Summary.ranked(report.results)
        let loss = try read(root + "/many/loss.gp")
        // Two curves, each in the PNG's, the SVG's and the PDF's plot command.
        #expect(loss.components(separatedBy: "with lines lw 2 lc rgb").count - 1 == 2 * 3)
        #expect(loss.contains("title '2 more: see index.html'"))
        let page = try read(root + "/many/index.html")
        #expect(page.contains("Not drawn in the loss plot (2 of 4 configurations; the spec's <code>report.curves</code> sets how many are drawn, 2 now): "
            + "3. <code>\(ranked[2].configurationID)</code>, 4. <code>\(ranked[3].configurationID)</code>.</p>"))
    }

    /// model.json records the class order, and which class one sigmoid output stands for.
    @Test func modelRecordsTheClassOrder() async throws {
        let root = temporaryDirectory()
        writeFile("x,label\n0,yes\n1,no\n0.2,yes\n0.9,no\n0.1,yes\n0.8,no\n", to: root + "/d.csv")
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
        {"name": "bin", "dataset": {"csv": "d.csv", "target": "label"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 2}}
        """#), file: root + "/s.json")
        _ = try await Sweep(plan: plan, jobs: 1, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 1))
        let model = try JSONParser.parse(try read(root + "/bin/runs/seed=0/model.json"))
        #expect(model["classes"] == .array([.string("no"), .string("yes")]))
        #expect(model["positive_class"] == .string("yes"))
    }
}
