import BackpropCore
import ArgumentParser
import ExperimentRunner
import Foundation

@main
struct Backprop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train small neural networks by backpropagation: sweeps, logs and loss plots.",
        discussion: "Exit codes: 0 success (diverged runs are results too), 1 a run failed or a check did not pass, 2 invalid spec, data, files or command line, 130 interrupted.",
        version: "backprop \(BackpropVersion.string)",
        subcommands: [Run.self, Plan.self, Trace.self, GradCheck.self, Plot.self, Verify.self, Summarize.self, Slurm.self])

    /// ArgumentParser's own exit codes, except that a usage error (its 64, EX_USAGE) exits 2
    /// like every other input the user must fix, as the README documents.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Prints a user-input error as one line on stderr and exits 2; anything else propagates.
func reportingInputErrors<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch let error as SpecError {
        printError(error.description)
        throw ExitCode(2)
    } catch let error as DataError {
        printError(error.description)
        throw ExitCode(2)
    } catch let error as ResultsError {
        printError(error.description)
        throw ExitCode(2)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("backprop: " + message + "\n").utf8))
}

/// The spec file plus any `--set` overrides, shared by the commands that read a spec.
struct SpecOptions: ParsableArguments {
    @Argument(help: "The experiment spec (JSON).", completion: .file(extensions: ["json"]))
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
