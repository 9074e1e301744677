import BackpropCore
import ArgumentParser
import BackpropData
import ExperimentRunner
import Foundation

@main
struct Backprop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train small neural networks by backpropagation: sweeps, logs and loss plots.",
        discussion: "Exit codes: 0 success (diverged runs are results too), 1 a run failed or a check did not pass, 2 invalid spec, data, files or command line, 130 interrupted.",
        version: "backprop \(BackpropVersion.string)",
        subcommands: [Run.self, Plan.self, Trace.self, GradCheck.self, Plot.self, Verify.self, Summarize.self, Slurm.self, Predict.self, Evaluate.self, Compare.self, Report.self, Serve.self])

    /// The process-wide state is set here, once, for every command: OpenBLAS on one thread
    /// (every run trains on a worker thread of its own; BLAS threads would only compete
    /// with them), and the simulated power cut when a test asks for one. Then: a `BackpropError` prints its one line and exits with its own code;
    /// ArgumentParser's exit codes stand, except that a usage error (its 64, EX_USAGE) exits
    /// 2 like every other input the user must fix, as the README documents.
    static func main() {
        BLAS.useSingleThread()
        // The durability test's simulated power cut (ResultsDirectory.swift, `PowerCut`).
        if let steps = ProcessInfo.processInfo.environment["BACKPROP_POWER_CUT_AFTER"].flatMap(Int.init) { PowerCut.arm(afterSteps: steps) }
        do {
            var command = try parseAsRoot()
            // The input limit (SECURITY.md): --max-input, else BACKPROP_MAX_INPUT, else the default.
            if let environment = ProcessInfo.processInfo.environment["BACKPROP_MAX_INPUT"] {
                guard let bytes = InputLimit.parse(environment) else {
                    printError("BACKPROP_MAX_INPUT is \"\(environment)\": give a size such as 512M or 2G")
                    Foundation.exit(2)
                }
                InputLimit.set(bytes)
            }
            if let bytes = (command as? any ReadsInput)?.input.maxInput { InputLimit.set(bytes) }
            try command.run()
        } catch let error as any BackpropError {
            // One line, whatever a path or a value in it holds (control characters shown as \u{..}).
            printError(DataError.visible(error.description))
            Foundation.exit(error.exitCode)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("backprop: " + message + "\n").utf8))
}

/// `--max-input`, on every command that reads a file someone may have handed over.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("max-input"), help: ArgumentHelp(
        "The most bytes read from one input file (a spec, data after gzip expansion, a model, a run's files), e.g. 512M or 2G. Default: a 64th of memory (\(InputLimit.describe(InputLimit.defaultBytes)) here).",
        valueName: "size"), transform: { text in
            guard let bytes = InputLimit.parse(text) else { throw ValidationError("--max-input must be a size such as 512M or 2G (got \"\(text)\")") }
            return bytes
        })
    var maxInput: Int?
}

/// A command whose input files are bounded by `--max-input`.
protocol ReadsInput { var input: InputOptions { get } }

/// The spec file plus any `--set` overrides, shared by the commands that read a spec.
struct SpecOptions: ParsableArguments {
    @OptionGroup var input: InputOptions

    @Argument(help: "The experiment spec (JSON, or YAML as .yaml/.yml).", completion: .file(extensions: ["json", "yaml", "yml"]))
    var spec: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a field: path=value. path=a,b,c sweeps the field as a grid axis.", valueName: "path=value"))
    var overrides: [String] = []

    /// - Parameters:
    ///   - maximumRuns: a larger grid is refused before it is expanded.
    ///   - named: the results name, in place of the spec's.
    func plan(maximumRuns: Int = SweepPlan.maximumRuns, named: String? = nil) throws -> SweepPlan {
        var overrides = try overrides.map { try Override.parse($0) }
        if let named { overrides.append(Override(path: JSONPath([.key("name")]), pathText: "name", values: [.string(named)])) }
        return try SweepPlan.load(file: spec, overrides: overrides, maximumRuns: maximumRuns)
    }
}
