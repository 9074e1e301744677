import ArgumentParser
import BackpropCore
import ExperimentRunner
import Foundation

struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ONE training step of a spec's first run and print every intermediate.",
        discussion: "Prints, layer by layer, the net inputs z, the activations a, the loss, the error terms delta, dL/dW, dL/db and the updated parameters. The batch is the first batch_size training rows (all of them for full batch), in file order.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var spec: SpecOptions

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: "Decimals to print in text (NumPy prints 8). Default: every digit.")
    var digits: Int?

    func run() async throws {
        try await reportingInputErrors {
            let plan = try spec.plan()
            let (run, network, inputs, targets) = try plan.firstRunBatch()
            let trace = network.traceStep(inputs: inputs, targets: targets, loss: run.spec.loss, optimizer: run.spec.optimizer)
            switch format {
            case .json: print(TraceReport.json(trace).serialized(indent: nil))
            case .text:
                print(TraceReport.text(trace, network: network, loss: run.spec.loss.rawValue,
                                       learningRate: run.spec.optimizer.learningRate, digits: digits), terminator: "")
            }
        }
    }
}
