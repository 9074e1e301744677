import ExperimentRunner
import Foundation
import Testing
import TestSupport

@Suite struct TraceCommandTests {
    /// The whole output is known: a, the loss and the updated W are the seed's worked
    /// example (../shared/seeds/001, printed by its NumPy script to 8 decimals); the rest
    /// follows from them by hand (delta = (a - y)·a(1 - a), dW = a_prevᵀ·delta, W - 0.1·dW).
    @Test func seedExerciseForwardValuesToEveryPrintedDigit() throws {
        let out = try CLI.run(["trace", "experiments/seed-exercise.json", "--digits", "8"])
        #expect(out.status == 0 && out.stderr.isEmpty)
        #expect(out.stdout == """
            Forward pass: z = a_prev·W + b, a = f(z)   (W is inputs x units)
              layer 1 (2 -> 2, sigmoid)
                z = [[0.23000000, 0.49000000]]
                a = [[0.55724785, 0.62010643]]
              layer 2 (2 -> 1, sigmoid)
                z = [[0.75068779]]
                a = [[0.67932855]]
            Loss (mse) = 0.00042731
            Backward pass: delta = dL/dz, dW = a_prevᵀ·delta, db = Σ delta
              layer 2
                delta = [[-0.00900619]]
                dW = [[-0.00501868], [-0.00558480]]
                db = [-0.00900619]
              layer 1
                delta = [[-0.00111102, -0.00127298]]
                dW = [[-0.00055551, -0.00063649], [-0.00033330, -0.00038189]]
                db = [-0.00111102, -0.00127298]
            Update (sgd):
              g = dW for weights, db for biases
              W <- W - lr · g, lr = 0.1
            Updated parameters
              layer 1
                W = [[0.20005555, 0.40006365], [0.10003333, 0.30003819]]
                b = [0.10011110, 0.20012730]
              layer 2
                W = [[0.50050187], [0.60055848]]
                b = [0.10090062]

            """)
    }

    @Test func jsonFormatHasOneEntryPerLayer() throws {
        let out = try CLI.run(["trace", "experiments/seed-exercise.json", "--format", "json"])
        #expect(out.status == 0)
        let json = try JSONParser.parse(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case let .array(forward)? = json["forward"], case let .array(backward)? = json["backward"],
              case let .array(updated)? = json["updated"] else { Issue.record("missing sections"); return }
        #expect(forward.count == 2 && backward.count == 2 && updated.count == 2)
        #expect(forward[0]["a"] == .array([.array([.number("0.5572478545985555"), .number("0.6201064323430902")])]))
        #expect(json["loss"] == .number("0.000427309011190178"))
        #expect(updated[1]["biases"] == .array([.number("0.10090061916990746")]))
        // weights stay (inputs x units): layer 1's dW is 2 rows of 2.
        guard case let .array(rows)? = backward[0]["dW"] else { Issue.record("no dW"); return }
        #expect(rows.count == 2)
    }
}

@Suite struct GradCheckCommandTests {
    @Test(arguments: ["experiments/xor.json", "experiments/spirals.json", "experiments/moons-sweep.json", "experiments/seed-exercise.json"])
    func examplesPass(_ spec: String) throws {
        let out = try CLI.run(["gradcheck", spec])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("layer 1") && out.stdout.contains("ok"))
        #expect(!out.stdout.contains("FAIL"))
    }

    @Test func aKinkFailsWithExitOne() throws {
        // ReLU at z = 0 exactly: backprop's subgradient 0 against the finite difference's 1/2.
        let spec = CLI.temporarySpec(#"""
        {"name": "kink", "dataset": {"inputs": [[1.0]], "targets": [[1.0]]},
         "model": {"layers": [{"units": 1, "activation": "relu"}, {"units": 1, "activation": "linear"}],
                   "parameters": [{"weights": [[0.0]], "biases": [0.0]}, {"weights": [[1.0]], "biases": [0.0]}]},
         "loss": "mse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}
        """#)
        let out = try CLI.run(["gradcheck", spec])
        #expect(out.status == 1)
        #expect(out.stdout.contains("FAIL"))
        #expect(out.stderr.contains("gradient check failed"))
    }
}

@Suite struct RunCommandTests {
    @Test func invalidSpecIsOneLineAndExitTwo() throws {
        let spec = CLI.temporarySpec(#"{"name": "bad", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmod"}]}, "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#)
        let out = try CLI.run(["run", spec, "--results", testRoot + "/never"])
        #expect(out.status == 2)
        #expect(out.stderr == "backprop: \(spec): model.layers[0].activation: unknown activation \"sigmod\" (did you mean \"sigmoid\"?)\n")
        #expect(!FileManager.default.fileExists(atPath: testRoot + "/never/bad"))
    }

    @Test func malformedJSONAndMissingFile() throws {
        let spec = CLI.temporarySpec("{\"name\": \"x\",\n \"dataset\": }")
        let bad = try CLI.run(["run", spec])
        #expect(bad.status == 2)
        #expect(bad.stderr == "backprop: \(spec): invalid JSON at line 2, column 13: unexpected character; expected a value\n")
        let missing = try CLI.run(["plan", "experiments/nope.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "backprop: experiments/nope.json: cannot read: no such file or directory\n")
    }

    @Test func runWritesResultsAndPlainLinesWhenNotATerminal() throws {
        let root = temporaryPath("cli")
        let out = try CLI.run(["run", "experiments/xor-sweep.json", "--results", root, "--jobs", "2",
                               "--set", "training.epochs=50", "--set", "seeds=[1]"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("xor-sweep: 6 runs (6 configurations × 1 seed); training 6, 2 at once"))
        #expect(out.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("[") && $0.contains("seed=1 completed") }.count == 6)
        #expect(out.stdout.hasSuffix("summary: \(root)/xor-sweep/summary.md\nreport:  \(root)/xor-sweep/index.html\n"))
        #expect(FileManager.default.fileExists(atPath: root + "/xor-sweep/runs/lr=0.5,units=4,seed=1/metrics.csv"))
        let spec = try JSONParser.parse(try String(contentsOfFile: root + "/xor-sweep/spec.json", encoding: .utf8))
        #expect(spec["training"]?["epochs"] == .number("50"))
    }

    @Test func missingGnuplotWarnsOnceAndStillWritesScripts() throws {
        let root = temporaryPath("cli")
        let out = try CLI.run(["run", "experiments/xor.json", "--results", root, "--quiet", "--set", "training.epochs=10"],
                              environment: ["BACKPROP_GNUPLOT": "/nonexistent/gnuplot"])
        #expect(out.status == 0)
        #expect(out.stderr.components(separatedBy: "gnuplot is not installed").count == 2)
        #expect(out.stdout == "summary: \(root)/xor/summary.md\nreport:  \(root)/xor/index.html\n")
        #expect(FileManager.default.fileExists(atPath: root + "/xor/loss.gp"))
        #expect(!FileManager.default.fileExists(atPath: root + "/xor/loss.png"))
    }

    @Test func aFailingGnuplotIsAWarningNotALostResult() throws {
        let root = temporaryPath("cli")
        let fake = temporaryPath("gnuplot")
        try "#!/bin/sh\ncat >/dev/null; echo 'line 3: unknown terminal' >&2; exit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let out = try CLI.run(["run", "experiments/xor.json", "--results", root, "--quiet", "--set", "training.epochs=3"],
                              environment: ["BACKPROP_GNUPLOT": fake])
        #expect(out.status == 0)
        #expect(out.stderr.contains("xor/loss.gp: gnuplot failed: line 3: unknown terminal"))
        #expect(FileManager.default.fileExists(atPath: root + "/xor/summary.csv"))
        #expect(FileManager.default.fileExists(atPath: root + "/xor/runs/seed=42/metrics.csv"))
    }

    @Test func configJSONReproducesItsRunAndPlotRendersAgain() throws {
        let root = temporaryPath("cli")
        #expect(try CLI.run(["run", "experiments/xor-sweep.json", "--results", root, "--quiet", "--set", "training.epochs=20"]).status == 0)
        let run = root + "/xor-sweep/runs/lr=2.0,units=4,seed=3"
        let again = try CLI.run(["run", run + "/config.json", "--results", root + "/again", "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "summary: \(root)/again/xor-sweep-lr_2.0_units_4_seed_3/summary.md\nreport:  \(root)/again/xor-sweep-lr_2.0_units_4_seed_3/index.html\n")
        func metrics(_ path: String) throws -> [[String]] {
            CSV.parse(try String(contentsOfFile: path, encoding: .utf8)).map { Array($0.dropLast()) }
        }
        #expect(try metrics(run + "/metrics.csv") == metrics(root + "/again/xor-sweep-lr_2.0_units_4_seed_3/runs/seed=3/metrics.csv"))
        // `plot` draws every picture again from the scripts and CSVs.
        #expect(Gnuplot.find() != nil, "gnuplot is a dependency (make deps installs it)")
        try FileManager.default.removeItem(atPath: root + "/xor-sweep/loss.png")
        // By default (--plots report) a run's own loss plot is only its script.
        #expect(FileManager.default.fileExists(atPath: run + "/loss.gp") && !FileManager.default.fileExists(atPath: run + "/loss.png"))
        let plot = try CLI.run(["plot", root + "/xor-sweep"])
        #expect(plot.status == 0)
        // 30 runs' loss plots; the sweep's loss, accuracy, heatmap and importance; a decision
        // boundary for each of the 6 configurations (XOR is 2-D).
        #expect(plot.stdout == "rendered 40 of 40 plot scripts in \(root)/xor-sweep\n")
        #expect(FileManager.default.fileExists(atPath: root + "/xor-sweep/loss.png"))
        #expect(FileManager.default.fileExists(atPath: run + "/loss.png"))
    }

    /// --plots: all renders every run's plots; report (the default) what the page shows;
    /// none no picture. The scripts are written in every case.
    @Test(arguments: ["all", "report", "none"])
    func plotsChoosesWhatIsRendered(_ policy: String) throws {
        let root = temporaryPath("plots")
        let out = try CLI.run(["run", "experiments/moons-sweep.json", "--results", root, "--quiet", "--set", "training.epochs=5",
                               "--set", "seeds=[1]", "--plots", policy])
        #expect(out.status == 0 && out.stderr.isEmpty, "\(out.stderr)")
        let dir = root + "/moons-sweep", run = dir + "/runs/lr=0.8,units=32,seed=1"
        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
        #expect(exists(dir + "/loss.gp") && exists(run + "/loss.gp") && exists(run + "/diagnostics.gp"))
        #expect(exists(dir + "/loss.svg") == (policy != "none") && exists(dir + "/heatmap.svg") == (policy != "none"))
        #expect(exists(run + "/loss.png") == (policy == "all"))
        // The page's gallery shows the first run of each of the best 8 configurations (of 9):
        // rendered with report too.
        let html = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        let gallery = html.components(separatedBy: "/diagnostics.svg\"").count - 1
        #expect(gallery == (policy == "none" ? 0 : 8))
        // Decision boundaries (moons is 2-D): every configuration's with all, the 8 the loss
        // plot draws with report (the page names the ninth), none with none.
        let boundaries = html.components(separatedBy: "/boundary.svg\"").count - 1
        #expect(boundaries == ["all": 9, "report": 8, "none": 0][policy])
        #expect(html.contains("Not drawn in the decision-boundary gallery (1 of 9 configurations") == (policy == "report"))
        for link in html.components(separatedBy: "src=\"").dropFirst().map({ String($0.prefix { $0 != "\"" }) }) {
            #expect(exists(dir + "/" + (link.removingPercentEncoding ?? link)), "\(link)")
        }
    }

    /// The whole listing: the grid, both architectures (by hand: 4h + 1 parameters; FLOPs per
    /// epoch 2·(2·h)·(4 rows · 2) + 2·(h·1)·(4 rows · 3), forward and backward, by
    /// `PlanReport.flopsPerEpoch`'s rule: 112 for h = 2, 224 for h = 4), every run.
    @Test func planListsRunsWithoutTraining() throws {
        let out = try CLI.run(["plan", "experiments/xor-sweep.json", "--no-calibration"])
        #expect(out.status == 0 && out.stderr.isEmpty)
        var runs = ""
        for (i, (lr, units, seed)) in ["0.1", "0.5", "2.0"].flatMap({ lr in [2, 4].flatMap { u in (1...5).map { (lr, u, $0) } } }).enumerated() {
            runs += "  \(String(i).count == 1 ? "   " : "  ")\(i) lr=\(lr),units=\(units),seed=\(seed)  epochs=3000\n"
        }
        #expect(out.stdout == """
            xor-sweep (experiments/xor-sweep.json): 30 runs = 6 configurations × 5 seed(s)
            grid:
              lr = optimizer.learning_rate: 0.1, 0.5, 2.0
              units = model.layers[0].units: 2, 4
            architectures:
              2-2-1 sigmoid,sigmoid: 9 parameters, 112 FLOPs per epoch
              2-4-1 sigmoid,sigmoid: 17 parameters, 224 FLOPs per epoch
            runs:

            """ + runs)
    }
}

@Suite struct ClusterCommandTests {
    @Test func slurmWritesBothScriptsAndSaysHowToSubmit() throws {
        let root = temporaryPath("slurm")
        let out = try CLI.run(["slurm", "experiments/moons-sweep.json", "--shards", "4", "--results", root])
        #expect(out.status == 0, "\(out.stderr)")
        let dir = root + "/moons-sweep/slurm"
        #expect(out.stdout == """
            moons-sweep: 27 runs in 4 array tasks
              \(dir)/moons-sweep.array.sbatch
              \(dir)/moons-sweep.summary.sbatch
            submit with: jid=$(sbatch --parsable '\(dir)/moons-sweep.array.sbatch') && sbatch --dependency=afterany:$jid '\(dir)/moons-sweep.summary.sbatch'

            """)
        let script = try String(contentsOfFile: dir + "/moons-sweep.array.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-3\n") && script.contains("'\(packageRoot)/experiments/moons-sweep.json'"))
        // bash accepts both scripts.
        for name in ["array", "summary"] {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/bin/bash")
            check.arguments = ["-n", "\(dir)/moons-sweep.\(name).sbatch"]
            try check.run()
            check.waitUntilExit()
            #expect(check.terminationStatus == 0)
        }
    }

    @Test func aBadShardIsRejected() throws {
        let out = try CLI.run(["run", "experiments/xor.json", "--shard", "4/4"])
        #expect(out.status == 2 && out.stdout.isEmpty)
        #expect(out.stderr == """
            Error: --shard must be i/n with 0 <= i < n, e.g. 0/4 (got "4/4")
            Usage: backprop run [<options>] <spec>
              See 'backprop run --help' for more information.

            """)
    }

    @Test func summarizeSaysWhatIsMissing() throws {
        let root = temporaryPath("summarize")
        let shard = try CLI.run(["run", "experiments/xor-sweep.json", "--set", "training.epochs=20", "--shard", "0/2", "--results", root],
                                environment: ["BACKPROP_GNUPLOT": "/nonexistent"])
        #expect(shard.status == 0, "\(shard.stderr)")
        #expect(shard.stdout.contains("shard 0/2 done: 15 trained, 0 already complete, 0 missing; merge the shards with: backprop summarize \(root)/xor-sweep"))
        let out = try CLI.run(["summarize", root + "/xor-sweep"], environment: ["BACKPROP_GNUPLOT": "/nonexistent"])
        #expect(out.status == 0)
        #expect(out.stdout == "summarized 15 complete runs; 15 still missing: \(root)/xor-sweep/summary.md\n")
    }
}
