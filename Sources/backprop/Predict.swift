import ArgumentParser
import ExperimentRunner
import Foundation

struct Predict: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a run's kept model: every row of a CSV file, its class and probabilities (or its values).",
        discussion: """
            The file needs the model's feature columns (model.json's "features", by name, in any order); \
            other columns are ignored. Rows are normalised as the run's training data was (model.json's \
            "normalization") and computed in the run's precision. Writes predictions.csv's format: row, \
            predicted, p(<class>)… or row, prediction. Exit codes: 0 done, 2 a missing or damaged run \
            folder or data file.
            """)

    @OptionGroup var input: InputOptions

    @Argument(help: ArgumentHelp("A run folder: results/<name>/runs/<id>.", valueName: "run"), completion: .directory)
    var folder: String

    @Argument(help: "A CSV file with a header row.", completion: .file(extensions: ["csv", "gz"]))
    var data: String

    @Option(help: "Write the predictions here (atomically) instead of to standard output.")
    var output: String?

    func run() throws {
        let model = try KeptModel(folder: folder)
        let rows = try model.read(data)
        let csv = model.predictionsCSV(model.apply(rows).outputs)
        if let output {
            try ResultsDirectory.writeAtomically(csv, to: output, userFolder: true)
            FileHandle.standardError.write(Data("backprop: \(rows.inputs.rows) predictions in \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(csv.utf8))
        }
    }
}
