import ArgumentParser
import BackpropData
import ExperimentRunner
import Foundation

struct Trace: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Run ONE training step of a spec's first run and print every intermediate.",
        discussion: "Prints, layer by layer, the net inputs z, the activations a, the loss, the error terms delta, dL/dW (with the weight-decay term), dL/db, the update rule the optimizer applied with its constants and state, and the updated parameters: the step a run takes, in its precision. The batch is the first batch_size training rows (all of them for full batch), in file order.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var spec: SpecOptions
    var input: InputOptions { spec.input }

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: "Decimals to print in text (NumPy prints 8). Default: every digit.")
    var digits: Int?

    func run() throws {
        let (run, data) = try spec.plan().firstRun()
        print(data.splits.trace(run, json: format == .json, digits: digits), terminator: "")
    }
}
