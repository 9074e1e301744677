import BackpropCore
import BackpropData
import Foundation

/// A run's kept network, read back from its folder to use on new data (`backprop predict`,
/// `backprop evaluate`): model.json (layers, features, normalisation, classes) and
/// config.json (the loss and the precision the run trained in).
public struct KeptModel: Sendable {
    public let folder: String
    public let run: PlannedRun
    public let network: Network<Double>
    /// The input columns a data file must have, in the network's order.
    public let features: [String]
    public let normalization: Normalization.Fitted?
    /// nil for regression.
    public let classes: [String]?
    /// The target column a data file may have: the spec's for a CSV dataset, else "target".
    public let target: String

    public init(folder: String) throws {
        let dir = ResultsDirectory.display(folder)
        self.folder = dir
        let runFolder = RunFolder(path: dir)
        let modelFile = runFolder.modelFile, configFile = runFolder.configFile
        guard FileManager.default.fileExists(atPath: modelFile), FileManager.default.fileExists(atPath: configFile) else {
            throw ResultsError(path: dir, message: "not a run folder (no model.json and config.json): give results/<name>/runs/<run id>")
        }
        let plan = try SweepPlan.load(file: configFile)
        guard let run = plan.runs.first else { throw ResultsError(path: configFile, message: "holds no run") }
        self.run = run
        let json: JSONValue
        do { json = try JSONParser.parse(try readFile(modelFile)) } catch {
            throw ResultsError(path: modelFile, message: "is damaged (not JSON): \(error)")
        }
        guard case let .array(names)? = json["features"] else {
            throw ResultsError(path: modelFile, message: "names no features (made by a backprop older than predict): train the run again with --force")
        }
        if ModelFile.hasNonFiniteParameters(json) {
            throw ResultsError(path: modelFile, message: "holds parameters that are not finite (its run diverged): it cannot predict")
        }
        let features = names.compactMap { v -> String? in if case let .string(s) = v { s } else { nil } }
        guard features.count == names.count, !features.isEmpty, Set(features).count == features.count else {
            throw ResultsError(path: modelFile, message: "is damaged: its features must be distinct column names")
        }
        // Checked against the run's spec: a model.json from elsewhere must be the network its
        // config.json describes (and below, its outputs the classes it names).
        guard let network = ModelFile.network(json, inputs: features.count, architecture: run.spec.model.layers) else {
            throw ResultsError(path: modelFile, message: "is damaged: its features and layers are not the network of the run's config.json, or a parameter is not a finite number")
        }
        var normalization: Normalization.Fitted?
        if case let .object(n)? = json["normalization"] {
            func numbers(_ key: String) -> [Double]? {
                guard case let .array(items)? = n.first(where: { $0.key == key })?.value else { return nil }
                let values = items.compactMap { v -> Double? in if case let .number(t) = v { DecimalNumber.parse(t) } else { nil } }
                return values.count == features.count ? values : nil
            }
            guard let shift = numbers("shift"), let divisor = numbers("divisor"), divisor.allSatisfy({ $0 != 0 }) else {
                throw ResultsError(path: modelFile, message: "is damaged: normalization.shift and .divisor need one finite number per feature, and no divisor may be 0")
            }
            normalization = Normalization.Fitted(shift: shift, divisor: divisor)
        }
        var classes: [String]?
        if let c = json["classes"] {
            guard case let .array(items) = c else { throw ResultsError(path: modelFile, message: "is damaged: classes must be a list of names") }
            let names = items.compactMap { v -> String? in if case let .string(s) = v { s } else { nil } }
            let outputs = network.outputs, expected = outputs == 1 ? 2 : outputs
            guard names.count == items.count, Set(names).count == names.count, names.count == expected else {
                throw ResultsError(path: modelFile, message: "is damaged: it names \(items.count) classes for \(outputs) output\(outputs == 1 ? "" : "s") (\(expected) distinct names expected)")
            }
            classes = names
        }
        var target = "target"
        if case let .csv(_, t, _) = run.spec.dataset.source { target = t }
        self.features = features
        self.network = network
        self.normalization = normalization
        self.classes = classes
        self.target = target
    }

    /// A data file's rows, read as training reads them (the same errors), with its target
    /// column when it has one: class indices into `classes`, or values.
    public struct Rows: Sendable {
        public var file: String
        public var inputs: Matrix<Double>
        public var labels: [Int]?
        public var values: [Double]?
        public var hasTarget: Bool { labels != nil || values != nil }
    }

    public func read(_ file: String) throws -> Rows {
        let table = try CSVDataset(path: file, target: target, features: features, classification: classes != nil, targetOptional: true)
        var rows = Rows(file: file, inputs: table.inputs)
        switch table.target {
        case let .classes(labels, names)?:
            // Classes by name as the model knows them (integers by value: "01" is "1").
            func key(_ s: String) -> String { Int(s).map(String.init) ?? s }
            let index = Dictionary((classes ?? []).enumerated().map { (key($1), $0) }, uniquingKeysWith: { a, _ in a })
            rows.labels = try labels.map { l in
                guard let i = index[key(names[l])] else {
                    throw DataError(file: file, message: "the target \(DataError.quoted(target)) holds the class \(DataError.quoted(names[l])), which the model does not know (its classes: \((classes ?? []).map(DataError.quoted).joined(separator: ", ")))")
                }
                return i
            }
        case let .values(v)?: rows.values = v
        case nil: break
        }
        return rows
    }

    /// The network's outputs for every row, and, with a target, its loss and accuracy: in the
    /// run's precision, after the model's normalisation, exactly as training evaluated.
    public func apply(_ rows: Rows) -> (outputs: Matrix<Double>, evaluation: Evaluation?) {
        switch run.spec.training.precision {
        case .float32: return apply(rows, as: Float.self)
        case .float64: return apply(rows, as: Double.self)
        }
    }

    func apply<T: Scalar>(_ rows: Rows, as: T.Type) -> (outputs: Matrix<Double>, evaluation: Evaluation?) {
        let net: Network<T> = network.converted()
        var data: Dataset<Double>
        if let labels = rows.labels {
            data = Dataset(inputs: rows.inputs, labels: labels, classes: classes?.count ?? 2, outputs: network.outputs, classNames: classes)
        } else if let values = rows.values {
            data = Dataset(inputs: rows.inputs, targets: Matrix(rows: values.count, columns: 1, elements: values))
        } else {
            data = Dataset(inputs: rows.inputs, targets: Matrix(rows: rows.inputs.rows, columns: network.outputs))
        }
        var converted: Dataset<T> = data.converted()
        normalization?.apply(to: &converted.inputs)
        let outputs: Matrix<Double> = net.predict(converted.inputs).converted()
        guard rows.hasTarget else { return (outputs, nil) }
        let workspace = Workspace<T>(network: net, capacity: max(Workspace<T>.evaluationRows(for: net, rows: converted.count), 1), backward: false, batches: false)
        return (outputs, net.evaluate(converted, loss: run.spec.loss, workspace: workspace))
    }

    /// Each row's predicted class (`Network.predictedClass`, as `evaluate` decides it) and its
    /// probabilities, one per class (for one sigmoid output: 1 - p and p).
    public func classify(_ outputs: Matrix<Double>) -> (classes: [Int], probabilities: Matrix<Double>) {
        guard outputs.columns == 1 else { return (Network<Double>.predictedClasses(outputs), outputs) }
        var p = Matrix<Double>(rows: outputs.rows, columns: 2)
        for r in 0..<outputs.rows {
            p[r, 0] = 1 - outputs[r, 0]
            p[r, 1] = outputs[r, 0]
        }
        return (Network<Double>.predictedClasses(outputs), p)
    }

    /// predictions.csv: `row`, then `predicted` and one `p(<class>)` column per class, or one
    /// `prediction` column per output for regression; rows numbered from 1 as in the file.
    public func predictionsCSV(_ outputs: Matrix<Double>) -> String {
        var out = ""
        if let classes {
            let (predicted, p) = classify(outputs)
            out = (["row", "predicted"] + classes.map { "p(\($0))" }).map(CSV.field).joined(separator: ",") + "\n"
            for r in 0..<outputs.rows {
                out += "\(r + 1),\(CSV.field(classes[predicted[r]]))"
                for j in 0..<p.columns { out += ",\(p[r, j])" }
                out += "\n"
            }
        } else {
            out = (["row"] + (outputs.columns == 1 ? ["prediction"] : (1...outputs.columns).map { "prediction_\($0)" })).joined(separator: ",") + "\n"
            for r in 0..<outputs.rows { out += "\(r + 1)," + (0..<outputs.columns).map { "\(outputs[r, $0])" }.joined(separator: ",") + "\n" }
        }
        return out
    }
}
