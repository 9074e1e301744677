import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// A kept model used alone: predicting and evaluating on the run's own validation rows gives
/// its logged loss and accuracy exactly; the data errors are training's.
@Suite(.serialized) struct PredictTests {
    static let environment = ["BACKPROP_GNUPLOT": "/nonexistent"]

    /// iris, seed 1: the run folder, its validation rows as a CSV file (raw, before the
    /// normalisation the model applies itself), and summary.csv's row for it.
    static let iris = irisRun()

    /// iris, seed 1, with `sets` on top.
    static func irisRun(_ sets: [String] = []) -> (run: String, validation: String, summary: [String: String]) {
        let root = temporaryPath("predict")
        let out = try! CLI.run(["run", "experiments/iris.json", "--results", root, "--quiet", "--set", "seeds=[1]", "--set", "training.epochs=60"]
                               + sets.flatMap { ["--set", $0] }, environment: environment)
        precondition(out.status == 0, out.stderr)
        // The same split, without the normalisation: the rows exactly as iris.csv has them.
        let plan = try! SweepPlan.load(file: packageRoot + "/experiments/iris.json")
        var dataset = plan.runs[0].spec.dataset
        dataset.normalize = .none
        let splits: DataSplits<Double> = try! dataset.build(outputs: 3, loss: .crossEntropy, file: "iris.json")
        let v = splits.validation!
        var csv = "species,sepal_length,sepal_width,petal_length,petal_width\n"  // another column order than iris.csv's
        let order = ["sepal_length", "sepal_width", "petal_length", "petal_width"].map { splits.featureNames!.firstIndex(of: $0)! }
        for r in 0..<v.count { csv += v.classNames![v.labels![r]] + "," + order.map { "\(v.inputs[r, $0])" }.joined(separator: ",") + "\n" }
        let file = writeFile(csv, to: temporaryPath("iris-validation") + ".csv")
        let rows = CSV.parse(try! String(contentsOfFile: root + "/iris/summary.csv", encoding: .utf8))
        return (root + "/iris/runs/seed=1", file, Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1])))
    }

    /// Batch normalisation and dropout: model.json keeps γ, β and the running statistics, so
    /// that evaluate, in evaluation mode (no dropout), gives the logged validation figures
    /// exactly; a training pass would give other numbers.
    @Test func batchNormAndDropoutAreKeptInTheModel() throws {
        let run = Self.irisRun([#"model.layers=[{"units": 16, "activation": "tanh", "batch_norm": true, "dropout": 0.3}, {"units": 3, "activation": "softmax", "batch_norm": true}]"#])
        let out = try CLI.run(["evaluate", run.run, run.validation])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("loss (cross_entropy): \(run.summary["val_loss"]!)\n"), "\(out.stdout)")
        #expect(out.stdout.contains("accuracy: \(run.summary["val_accuracy"]!) ("), "\(out.stdout)")
        let model = try JSONParser.parse(Array(try String(contentsOfFile: run.run + "/model.json", encoding: .utf8).utf8))
        guard case let .array(layers)? = model["layers"] else { Issue.record("no layers"); return }
        #expect(layers[0]["dropout"] == .number("0.3") && layers[1]["dropout"] == nil)
        for layer in layers {
            guard case let .array(variance)? = layer["batch_norm"]?["running_var"] else { Issue.record("no running_var"); continue }
            // Trained: the running variances have moved from 1.
            #expect(variance.count == (layers.count == 2 && layer == layers[0] ? 16 : 3) && variance != Array(repeating: .number("1"), count: variance.count))
        }
        let predictions = temporaryPath("bn-predictions") + ".csv"
        #expect(try CLI.run(["predict", run.run, run.validation, "--output", predictions]).status == 0)
    }

    @Test func evaluateOnTheValidationRowsGivesTheLoggedFiguresExactly() throws {
        let out = try CLI.run(["evaluate", Self.iris.run, Self.iris.validation])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("loss (cross_entropy): \(Self.iris.summary["val_loss"]!)\n"), "\(out.stdout)")
        #expect(out.stdout.contains("accuracy: \(Self.iris.summary["val_accuracy"]!) ("), "\(out.stdout)")
        #expect(out.stdout.contains("| true \\ predicted | `setosa` | `versicolor` | `virginica` |"))
        #expect(out.stdout.contains("| macro average |"))
        // model.json is self-contained: its features and the normalisation fitted on training.
        let model = try JSONParser.parse(Array(try String(contentsOfFile: Self.iris.run + "/model.json", encoding: .utf8).utf8))
        #expect(model["features"] == .array(["sepal_length", "sepal_width", "petal_length", "petal_width"].map(JSONValue.string)))
        #expect(model["normalization"] != nil)
    }

    @Test func predictWritesAClassAndProbabilitiesForEveryRow() throws {
        let output = temporaryPath("predictions") + ".csv"
        let out = try CLI.run(["predict", Self.iris.run, Self.iris.validation, "--output", output])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = CSV.parse(try String(contentsOfFile: output, encoding: .utf8))
        #expect(rows[0] == ["row", "predicted", "p(setosa)", "p(versicolor)", "p(virginica)"])
        let truth = CSV.parse(try String(contentsOfFile: Self.iris.validation, encoding: .utf8)).dropFirst().map { $0[0] }
        #expect(rows.count == 1 + truth.count)
        for row in rows.dropFirst() {
            let p = row[2...].map { Double($0)! }
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            #expect(["setosa", "versicolor", "virginica"][p.firstIndex(of: p.max()!)!] == row[1])
        }
        // The same accuracy as evaluate's (and the run's).
        let correct = zip(rows.dropFirst().map { $0[1] }, truth).filter { $0 == $1 }.count
        #expect(CSV.number(Double(correct) / Double(truth.count)) == Self.iris.summary["val_accuracy"]!)
    }

    @Test func dataErrorsAreTrainingsAndNameTheFile() throws {
        let missing = writeFile("sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n", to: temporaryPath("short") + ".csv")
        let out = try CLI.run(["predict", Self.iris.run, missing])
        #expect(out.status == 2)
        #expect(out.stderr.hasPrefix("backprop: \(missing): no feature column \"petal_width\""), "\(out.stderr)")
        let bad = writeFile("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,x,0.2\n", to: temporaryPath("bad") + ".csv")
        let b = try CLI.run(["predict", Self.iris.run, bad])
        #expect(b.status == 2 && b.stderr.contains("\(bad):2:"), "\(b.stderr)")
        let unknown = writeFile("species,sepal_length,sepal_width,petal_length,petal_width\nrose,5.1,3.5,1.4,0.2\n", to: temporaryPath("rose") + ".csv")
        let u = try CLI.run(["evaluate", Self.iris.run, unknown])
        #expect(u.status == 2 && u.stderr.contains("the class \"rose\", which the model does not know"), "\(u.stderr)")
        let features = writeFile("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n", to: temporaryPath("features") + ".csv")
        #expect(try CLI.run(["predict", Self.iris.run, features]).status == 0)
        let noTarget = try CLI.run(["evaluate", Self.iris.run, features])
        #expect(noTarget.status == 2 && noTarget.stderr.contains("has no target column \"species\""), "\(noTarget.stderr)")
        let notARun = try CLI.run(["predict", temporaryPath("nothing"), missing])
        #expect(notARun.status == 2 && notARun.stderr.contains("not a run folder"), "\(notARun.stderr)")
    }

    /// A generated dataset, standardised, in float32: evaluate on its validation rows (x1, x2
    /// and "target", as the README says) gives the run's logged figures exactly.
    @Test func evaluateOnAGeneratedDatasetsValidationRows() throws {
        let root = temporaryPath("moons32")
        let text = #"""
        {"name": "g", "dataset": {"name": "moons", "samples": 90, "noise": 0.25, "validation": 0.3, "seed": 5, "normalize": "standard"},
         "model": {"layers": [{"units": 6, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.3}, "training": {"epochs": 25, "precision": "float32"}, "seeds": [2]}
        """#
        let spec = CLI.temporarySpec(text)
        let out = try CLI.run(["run", spec, "--results", root, "--quiet"], environment: Self.environment)
        #expect(out.status == 0, "\(out.stderr)")
        let plan = try SweepPlan.load(file: spec)
        var dataset = plan.runs[0].spec.dataset
        dataset.normalize = .none
        let v = try dataset.build(as: Double.self, outputs: 1, loss: .binaryCrossEntropy, file: spec).validation!
        var csv = "x1,x2,target\n"
        for r in 0..<v.count { csv += "\(v.inputs[r, 0]),\(v.inputs[r, 1]),\(v.labels![r])\n" }
        let file = writeFile(csv, to: temporaryPath("moons-validation") + ".csv")
        let summary = CSV.parse(try String(contentsOfFile: root + "/g/summary.csv", encoding: .utf8))
        let row = Dictionary(uniqueKeysWithValues: zip(summary[0], summary[1]))
        let e = try CLI.run(["evaluate", root + "/g/runs/seed=2", file])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(e.stdout.contains("loss (binary_cross_entropy): \(row["val_loss"]!)\n"), "\(e.stdout)")
        #expect(e.stdout.contains("accuracy: \(row["val_accuracy"]!) ("), "\(e.stdout)")
        #expect(e.stdout.contains("ROC AUC (`1` as the positive class): "))
    }

    @Test func aGeneratedDatasetsModelNamesItsInputsX1X2() throws {
        let root = temporaryPath("moons")
        let spec = CLI.temporarySpec(#"""
        {"name": "m", "dataset": {"name": "moons", "samples": 100, "validation": 0.2},
         "model": {"layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 30}, "seeds": [4]}
        """#)
        #expect(try CLI.run(["run", spec, "--results", root, "--quiet"], environment: Self.environment).status == 0)
        let points = writeFile("x2,x1\n0.5,-1\n-0.25,2\n", to: temporaryPath("points") + ".csv")
        let out = try CLI.run(["predict", root + "/m/runs/seed=4", points])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = CSV.parse(out.stdout)
        #expect(rows[0] == ["row", "predicted", "p(0)", "p(1)"] && rows.count == 3)
        for row in rows.dropFirst() { #expect(Double(row[2])! + Double(row[3])! == 1 || abs(Double(row[2])! + Double(row[3])! - 1) < 1e-15) }
    }

    /// A diverged run's parameters overflowed to infinity: its model.json stays JSON (the
    /// values are strings, as in status.json) and predict refuses it in one line.
    @Test func aDivergedRunsModelIsJSONAndPredictRefusesIt() throws {
        let root = temporaryPath("diverged")
        let spec = CLI.temporarySpec(#"""
        {"name": "d", "dataset": {"name": "xor"},
         "model": {"layers": [{"units": 2, "activation": "linear"}, {"units": 1, "activation": "linear"}]},
         "loss": "sse", "optimizer": {"learning_rate": 1e308}, "training": {"epochs": 5}, "seeds": [42]}
        """#)
        #expect(try CLI.run(["run", spec, "--results", root, "--quiet"], environment: Self.environment).status == 0)
        let run = root + "/d/runs/seed=42"
        #expect(try String(contentsOfFile: run + "/status.json", encoding: .utf8).contains("\"status\": \"diverged\""))
        let text = try String(contentsOfFile: run + "/model.json", encoding: .utf8)
        let model = try JSONParser.parse(Array(text.utf8))  // JSON, not Swift's bare inf
        #expect(ModelFile.hasNonFiniteParameters(model))
        #expect(text.contains("\"inf\"") || text.contains("\"-inf\"") || text.contains("\"nan\""), "\(text)")
        let points = writeFile("x1,x2\n0,1\n", to: temporaryPath("points") + ".csv")
        let out = try CLI.run(["predict", run, points])
        #expect(out.status == 2)
        #expect(out.stderr == "backprop: \(run)/model.json: holds parameters that are not finite (its run diverged): it cannot predict\n", "\(out.stderr)")
    }
}
