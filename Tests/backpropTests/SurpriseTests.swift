import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The command line does what a new user expects: no silent sweeps, clear refusals, the
/// documented exit codes, whole outputs (issues 11 and 12).
@Suite struct SurpriseTests {
    static let xor = #"""
    {"$schema": "./spec.schema.json", "name": "q", "dataset": {"name": "xor"},
     "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "sse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 3}, "seeds": [1]}
    """#

    @Test func descriptionWithACommaIsNotSwept() throws {
        let spec = CLI.temporarySpec(Self.xor)
        let out = try CLI.run(["plan", spec, "--no-calibration", "--set", "description=Quick test, 5 epochs"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("q (\(spec)): 1 run = 1 configuration × 1 seed(s)\n"))
        let swept = try CLI.run(["plan", spec, "--no-calibration", "--set", "description=a,b"])
        #expect(swept.status == 0 && swept.stdout.contains("1 run = 1 configuration"))
        // A name is taken whole too, and "x,y" is no folder name.
        let name = try CLI.run(["plan", spec, "--set", "name=x,y"])
        #expect(name.status == 2 && name.stderr.hasPrefix("backprop: \(spec): name: contains ','"))
    }

    @Test func aQuickVariantGoesUnderItsOwnName() throws {
        let root = temporaryPath("cli"), spec = CLI.temporarySpec(Self.xor)
        let quick = try CLI.run(["run", spec, "--results", root, "--quiet", "--set", "training.epochs=1", "--name", "q-quick"],
                                environment: ["BACKPROP_GNUPLOT": "/bin/true"])
        #expect(quick.status == 0 && quick.stdout == "summary: \(root)/q-quick/summary.md\nreport:  \(root)/q-quick/index.html\n")
        let real = try CLI.run(["run", spec, "--results", root, "--quiet"], environment: ["BACKPROP_GNUPLOT": "/bin/true"])
        #expect(real.status == 0, "\(real.stderr)")
        let clash = try CLI.run(["run", spec, "--results", root, "--quiet", "--set", "training.epochs=2"], environment: ["BACKPROP_GNUPLOT": "/bin/true"])
        #expect(clash.status == 2)
        #expect(clash.stderr == "backprop: \(root)/q/runs/seed=1/config.json: holds a different configuration than this spec's run; results are never mixed: "
            + "write this variant elsewhere with --name NAME (or --set name=NAME, or another --results folder), or pass --force to train again and replace them\n")
    }

    @Test func duplicateGridValuesAreRefused() throws {
        let out = try CLI.run(["plan", CLI.temporarySpec(Self.xor), "--set", "optimizer.learning_rate=0.1,0.10"])
        #expect(out.status == 2)
        #expect(out.stderr.hasSuffix(": grid.optimizer.learning_rate: the value 0.10 is listed twice: every value of an axis is a different configuration\n"))
    }

    @Test func setOnAnAxisKeepsItsPlace() throws {
        let plan = try SweepPlan.load(file: packageRoot + "/experiments/xor-sweep.json", overrides: [try Override.parse("optimizer.learning_rate=0.3,0.4")])
        let original = try SweepPlan.load(file: packageRoot + "/experiments/xor-sweep.json")
        #expect(plan.axes.map(\.path) == original.axes.map(\.path))
        #expect(plan.axes[original.axes.firstIndex { $0.label == "lr" }!].values == [.number("0.3"), .number("0.4")])
    }

    @Test func aTopLevelKeyThatBelongsInASectionIsNamed() throws {
        let spec = CLI.temporarySpec(Self.xor)
        let out = try CLI.run(["plan", spec, "--set", "epochs=5"])
        #expect(out.status == 2 && out.stderr == "backprop: \(spec): epochs: unknown key (did you mean \"training.epochs\"?)\n")
    }

    @Test func versionAndUsageErrors() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0 && version.stdout == "backprop \(BackpropVersion.string)\n")
        for arguments in [["run", "experiments/xor.json", "--jobs", "0"], ["run", "experiments/xor.json", "--shard", "5/3"],
                          ["run", "experiments/xor.json", "--results", ""], ["run", "experiments/xor.json", "--name", "a b"]] {
            let out = try CLI.run(arguments)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.stderr.hasPrefix("Error: "), "\(arguments): \(out.stderr)")
        }
        let help = try CLI.run(["run", "--help"])
        let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("How many runs train at once (default: the number of cores, \(ProcessInfo.processInfo.activeProcessorCount) here). --results"))
    }

    @Test func aRelativeResultsFolder() throws {
        let cwd = temporaryDirectory()
        let out = try CLI.run(["run", CLI.temporarySpec(Self.xor), "--results", "rel/inner", "--quiet"], directory: cwd,
                              environment: ["BACKPROP_GNUPLOT": "/bin/true"])
        #expect(out.status == 0 && out.stdout == "summary: rel/inner/q/summary.md\nreport:  rel/inner/q/index.html\n", "\(out.stderr)")
        #expect(FileManager.default.fileExists(atPath: cwd + "/rel/inner/q/runs/seed=1/status.json"))
    }

    @Test func summarizeAndPlotWantASweepFolder() throws {
        let root = temporaryPath("cli")
        #expect(try CLI.run(["run", CLI.temporarySpec(Self.xor), "--results", root, "--quiet"], environment: ["BACKPROP_GNUPLOT": "/bin/true"]).status == 0)
        let summarize = try CLI.run(["summarize", root + "/q/"], environment: ["BACKPROP_GNUPLOT": "/bin/true"])
        #expect(summarize.status == 0 && summarize.stdout == "summarized 1 complete run: \(root)/q/summary.md\n")
        for command in ["plot", "summarize"] {
            let out = try CLI.run([command, root])
            #expect(out.status == 2, "\(command)")
            #expect(out.stderr == "backprop: \(root): not a results folder: no spec.json (shard 0 or a plain run writes it)\n", "\(command)")
        }
    }

    /// FLOPs by hand for 4 rows, 2 inputs, u hidden units: 2·2·u·(4·2) for the first layer's
    /// forward and dW, 2·u·1·(4·3) for the output layer's forward, dW and dx.
    @Test func planSortsArchitecturesByWidth() throws {
        let spec = CLI.temporarySpec(Self.xor.replacingOccurrences(of: #""seeds": [1]"#, with: #""seeds": [1], "grid": {"model.layers[0].units": [2, 32, 8]}"#))
        let out = try CLI.run(["plan", spec, "--no-calibration"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("""
            architectures:
              2-2-1 tanh,sigmoid: 9 parameters, 112 FLOPs per epoch
              2-8-1 tanh,sigmoid: 33 parameters, 448 FLOPs per epoch
              2-32-1 tanh,sigmoid: 129 parameters, 1,792 FLOPs per epoch

            """))
    }

    @Test func verifyNoticesALineEndOrHeaderChange() throws {
        let root = temporaryPath("cli")
        #expect(try CLI.run(["run", CLI.temporarySpec(Self.xor), "--results", root, "--quiet"], environment: ["BACKPROP_GNUPLOT": "/bin/true"]).status == 0)
        let run = root + "/q/runs/seed=1", metrics = run + "/metrics.csv"
        let original = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(try CLI.run(["verify", run]).status == 0)
        try original.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: metrics, atomically: true, encoding: .utf8)
        let crlf = try CLI.run(["verify", run])
        #expect(crlf.status == 1 && crlf.stdout == "\(run): metrics.csv differs: its lines end in CRLF on disk, in LF as backprop writes them\n")
        try original.replacingOccurrences(of: "train_loss", with: "loss").write(toFile: metrics, atomically: true, encoding: .utf8)
        let header = try CLI.run(["verify", run])
        #expect(header.status == 1 && header.stdout == "\(run): metrics.csv differs in its header: loss on disk, train_loss now\n")
    }
}
