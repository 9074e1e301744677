import ArgumentParser
import BackpropCore
import ExperimentRunner
import Foundation

struct GradCheck: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Compare every backprop gradient with central finite differences.",
        discussion: "Uses the spec's first run: its starting network and the first rows of its training data, in training mode (batch normalisation with the batch's statistics; dropout with one mask from the run's dropout stream, kept for every difference). Prints the largest relative error per layer and exits 1 when any is above the tolerance.")

    @OptionGroup var spec: SpecOptions
    var input: InputOptions { spec.input }

    @Option(help: "How many training rows to check on.")
    var rows: Int = 16

    @Option(help: "The largest relative error that passes.")
    var tolerance: Double = 1e-6

    func run() throws {
        let worst = try { () throws -> Double in
            let plan = try spec.plan()
            let (run, data) = try plan.firstRun()
            let batch = run.firstBatch(data.trainingAsDouble, limit: max(rows, 1))
            let network = run.initialNetwork(inputs: batch.features)
            let inputs = batch.inputs, targets = batch.targets
            let results = network.gradientCheck(inputs: inputs, targets: targets, loss: run.spec.loss, seed: run.seed)
            print("gradient check of \(run.id) on \(inputs.rows) row\(inputs.rows == 1 ? "" : "s"), loss \(run.spec.loss.rawValue):")
            for r in results {
                let layer = network.layers[r.layer]
                let verdict = r.maxRelativeError <= tolerance ? "ok" : "FAIL"
                let norm = r.maxRelativeErrorNormalization.map { String(format: ", batch norm γ β %.3e", $0) } ?? ""
                let dropout = layer.dropout > 0 ? ", dropout \(layer.dropout) (one mask)" : ""
                print(String(format: "  layer %d (%d -> %d, %@%@): max relative error weights %.3e, biases %.3e%@  %@",
                             r.layer + 1, layer.inputs, layer.units, layer.activation.rawValue, dropout,
                             r.maxRelativeErrorWeights, r.maxRelativeErrorBiases, norm, verdict))
            }
            return results.map(\.maxRelativeError).max() ?? 0
        }()
        if worst > tolerance {
            printError(String(format: "gradient check failed: largest relative error %.3e is above %.1e", worst, tolerance))
            throw ExitCode(1)
        }
    }
}
