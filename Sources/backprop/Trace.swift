import ArgumentParser
import BackpropCore
import ExperimentRunner
import Foundation

struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ONE training step of a spec's first run and print every intermediate.",
        discussion: "Prints, layer by layer, the net inputs z, the activations a, the loss, the error terms delta, dL/dW (with the weight-decay term), dL/db, the update rule the optimizer applied with its constants and state, and the updated parameters: the step a run takes, in its precision. The batch is the first batch_size training rows (all of them for full batch), in file order.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var spec: SpecOptions

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: "Decimals to print in text (NumPy prints 8). Default: every digit.")
    var digits: Int?

    func run() async throws {
        try await reportingInputErrors {
            let plan = try spec.plan()
            let (run, data) = try plan.firstRun()
            func show<T: Scalar>(_ d: DataSplits<T>) {
                let trace = run.traceFirstStep(d)
                switch format {
                case .json: print(TraceReport.json(trace).serialized(indent: nil))
                case .text:
                    let network: Network<T> = run.initialNetwork(inputs: d.training.features).converted()
                    print(TraceReport.text(trace, network: network, loss: run.spec.loss.rawValue, optimizer: run.spec.optimizer,
                                           digits: digits), terminator: "")
                }
            }
            switch data.splits {
            case let .float64(d): show(d)
            case let .float32(d): show(d)
            }
        }
    }
}
