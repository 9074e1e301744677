import ArgumentParser
import BackpropData
import ExperimentRunner
import Foundation

struct Evaluate: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a run's kept model on a labelled CSV file: loss, accuracy, confusion matrix, per-class precision, recall and F1, ROC AUC.",
        discussion: """
            The file needs the model's feature columns and the target column the run trained on (the \
            spec's dataset.target; "target" for generated data). The loss and accuracy are computed \
            as training computes them: on the run's own validation rows they are its logged figures, \
            exactly. Exit codes: 0 done, 2 a missing or damaged run folder or data file, or no target column.
            """)

    @OptionGroup var input: InputOptions

    @Argument(help: ArgumentHelp("A run folder: results/<name>/runs/<id>.", valueName: "run"), completion: .directory)
    var folder: String

    @Argument(help: "A CSV file with a header row, the features and the target.", completion: .file(extensions: ["csv", "gz"]))
    var data: String

    func run() throws {
        let model = try KeptModel(folder: folder)
        let rows = try model.read(data)
        guard rows.hasTarget else {
            throw DataError(file: data, message: "has no target column \"\(model.target)\" to evaluate against (backprop predict needs none)")
        }
        let (outputs, evaluation) = model.apply(rows)
        var out = "\(model.folder) on \(data): \(rows.inputs.rows) row\(rows.inputs.rows == 1 ? "" : "s")\n\n"
        out += "loss (\(model.run.spec.loss.rawValue)): \(CSV.number(evaluation!.loss))\n"
        if let labels = rows.labels, let classes = model.classes {
            let (predicted, p) = model.classify(outputs)
            let report = ClassificationReport(classes: classes, truth: labels, predicted: predicted,
                                              positiveScores: classes.count == 2 ? (0..<p.rows).map { p[$0, 1] } : nil)
            out += "accuracy: \(CSV.number(evaluation!.accuracy!)) (\(Int((report.accuracy * Double(labels.count)).rounded())) of \(labels.count))\n\n"
            out += report.markdown
        }
        print(out, terminator: "")
    }
}
