import ArgumentParser
import ExperimentRunner
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a run again from its config.json and check that every metric matches, bit for bit.",
        discussion: "Exit codes: 0 identical, 1 a difference (each printed), 2 not a complete run folder or invalid config.")

    @Argument(help: "A run folder: results/<name>/runs/<id>.", completion: .directory)
    var run: String

    func run() async throws {
        let outcome = try await reportingInputErrors { try Verification.verify(runDirectory: run) }
        for line in outcome.lines { print("\(run): \(line)") }
        if !outcome.identical { throw ExitCode(1) }
    }
}
