import ArgumentParser
import ExperimentRunner
import Foundation

struct Verify: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Train a run again from its config.json and check that every metric matches, bit for bit.",
        discussion: "Exit codes: 0 identical, 1 a difference (each printed), 2 not a complete run folder or invalid config.")

    @OptionGroup var input: InputOptions

    @Argument(help: ArgumentHelp("A run folder: results/<name>/runs/<id>.", valueName: "run"), completion: .directory)
    var folder: String

    func run() throws {
        let outcome = try Verification.verify(runDirectory: folder)
        if let elsewhere = outcome.elsewhere { print("\(folder): \(elsewhere)") }
        for line in outcome.lines { print("\(folder): \(line)") }
        if !outcome.identical { throw ExitCode(1) }
    }
}
