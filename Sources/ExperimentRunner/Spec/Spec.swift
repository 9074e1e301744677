import BackpropCore

/// An experiment spec, decoded and checked. See README "Spec format" for every key.
public struct ExperimentSpec: Sendable {
    public var name: String
    public var description: String?
    public var dataset: DatasetSpec
    public var model: ModelSpec
    public var loss: Loss
    public var optimizer: OptimizerConfiguration
    public var training: TrainingSpec
    public var seeds: [UInt64]
    /// `report.curves`: how many configurations the sweep's plots draw (the page lists the rest).
    public var reportCurves: Int
    /// `report.formats` and `report.width`: the files each figure is written as, and the PDF's size.
    public var figures: FigureOptions

    /// `$schema` names the JSON Schema for editors; it is accepted and ignored.
    public static let keys = ["$schema", "name", "description", "dataset", "model", "loss", "optimizer", "training", "seeds", "report", "grid", "search", "objective", "objectives", "scheduler"]
    /// Fields that describe an experiment rather than set a hyperparameter: they are never
    /// swept, and `--set` takes their value whole (commas included).
    public static let descriptive = ["$schema", "name", "description", "report"]

    /// Where a key given at the top level belongs, for "did you mean training.epochs".
    static func nestedKey(_ key: String) -> String? {
        let sections: [(String, [String])] = [("training", TrainingSpec.keys), ("optimizer", OptimizerConfiguration.keys),
                                              ("model", ModelSpec.keys), ("dataset", DatasetSpec.keys)]
        for (section, keys) in sections where keys.contains(key) { return section + "." + key }
        return nil
    }

    /// A name is a results folder's: ASCII letters, digits, '-', '_', '.' and '+', not
    /// starting with '.', at most 100 characters. nil when it is one, else what is wrong.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 100 { return "is \(name.utf8.count) bytes long; a name has at most 100" }
        if name.hasPrefix(".") { return "starts with '.'" }
        func allowed(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "-_.+".unicodeScalars.contains(c)
        }
        if let bad = name.unicodeScalars.first(where: { !allowed($0) }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            return "contains " + (bad.value < 32 || bad.value == 127 ? "the control character U+" + String(repeating: "0", count: 4 - code.count) + code : "'\(bad)'")
        }
        return nil
    }
}

extension ExperimentSpec {
    /// Decodes and checks a spec (without its grid, which `SweepPlan` expands first).
    public init(json: JSONValue, file: String) throws(SpecError) {
        if case let .object(members) = json {
            for (key, _) in members where !Self.keys.contains(key) {
                if let nested = Self.nestedKey(key) {
                    throw SpecError(file: file, at: JSONPath([.key(key)]), message: "unknown key (did you mean \"\(nested)\"?)")
                }
            }
        }
        let root = try JSONReader(json, file: file).object(allowed: Self.keys)
        _ = try root["$schema"]?.string()
        let nameReader = try root.required("name")
        name = try nameReader.string()
        if let problem = Self.nameProblem(name) {
            throw nameReader.error("\(problem): a name becomes the results folder's, so it takes ASCII letters, digits, '-', '_', '.' and '+' (not first '.'), at most 100")
        }
        description = try root["description"]?.string()
        reportCurves = 8
        figures = .standard
        if let r = root["report"] {
            let o = try r.object(allowed: ["curves", "formats", "width"])
            if let c = o["curves"] {
                reportCurves = try c.int()
                guard (1...1000).contains(reportCurves) else { throw c.error("curves must be from 1 to 1000") }
            }
            figures = try FigureOptions(formats: o["formats"], width: o["width"])
        }
        dataset = try DatasetSpec(try root.required("dataset"))
        model = try ModelSpec(try root.required("model"))
        loss = try root.required("loss").choice(Loss.self, what: "loss")
        optimizer = try OptimizerConfiguration(try root.required("optimizer"))
        training = try TrainingSpec(try root.required("training"))
        if training.earlyStopping != nil && dataset.validation == 0 {
            throw SpecError(file: file, at: JSONPath([.key("training"), .key("early_stopping")]),
                            message: "early stopping watches the validation loss: set dataset.validation (a fraction such as 0.2)")
        }
        if let s = root["seeds"] {
            var seeds = [UInt64]()
            for item in try s.nonEmptyArray() { seeds.append(try item.uint64()) }
            guard Set(seeds).count == seeds.count else { throw s.error("seeds repeat") }
            self.seeds = seeds
        } else {
            seeds = [0]
        }
        try checkModel(file: file)
    }

    /// What can be checked without the data: the output layer against the loss, and
    /// explicit parameters against the architecture (their input width is the dataset's).
    /// Both are decoded by now, so the errors name their paths directly.
    private func checkModel(file: String) throws(SpecError) {
        for (i, layer) in model.layers.enumerated() where layer.activation == .softmax && i != model.layers.count - 1 {
            throw SpecError(file: file, at: JSONPath([.key("model"), .key("layers"), .index(i), .key("activation")]),
                            message: "softmax belongs to the output layer only")
        }
        let output = model.layers.last!
        func lossError(_ message: String) -> SpecError { SpecError(file: file, at: JSONPath([.key("loss")]), message: message) }
        switch loss {
        case .crossEntropy where output.activation != .softmax:
            throw lossError("cross_entropy needs a softmax output layer (the output layer is \(output.activation.rawValue))")
        case .crossEntropy where output.units < 2:
            throw lossError("cross_entropy needs at least 2 output units, one per class")
        case .binaryCrossEntropy where output.activation != .sigmoid:
            throw lossError("binary_cross_entropy needs a sigmoid output layer (the output layer is \(output.activation.rawValue))")
        default: break
        }
    }

    /// The input width of the network, given the dataset's feature count: also checks that
    /// explicit parameters fit.
    public func checkShapes(features: Int, outputs: Int, rows: Int, file: String) throws(SpecError) {
        // What a run holds in memory: its parameters (with gradients and optimizer state) and
        // the activations of a batch. Beyond these limits an allocation would fail mid-sweep.
        var fanIn = features, parameters = 0, units = 0
        for layer in model.layers {
            let (product, overflow) = fanIn.multipliedReportingOverflow(by: layer.units)
            if overflow { parameters = .max; break }
            parameters = parameters > Int.max / 2 ? .max : parameters + product + layer.units * (layer.batchNorm ? 3 : 1)
            // Batch normalisation's output and dropout's f(y) and mask are a batch's numbers too.
            units += layer.units * (1 + (layer.batchNorm ? 1 : 0) + (layer.dropout > 0 ? 2 : 0))
            fanIn = layer.units
        }
        if parameters > 100_000_000 {
            throw SpecError(file: file, path: "model.layers", message: "\(parameters == .max ? "too many" : String(parameters)) parameters: more than backprop trains (100,000,000)")
        }
        let batch = min(training.batchSize ?? rows, rows)
        // A batch of one row has no variance to normalise by (PyTorch refuses it in training too).
        if let l = model.layers.firstIndex(where: \.batchNorm), rows > 0, batch == 1 || rows % batch == 1 {
            let why = batch == 1 ? "batches here have 1" : "the last batch of each epoch has 1 (\(rows) rows in batches of \(batch))"
            throw SpecError(file: file, path: training.batchSize == nil ? "model.layers[\(l)].batch_norm" : "training.batch_size",
                            message: "batch normalisation needs at least 2 rows in every batch, but \(why); choose another batch_size")
        }
        let activations = batch.multipliedReportingOverflow(by: 3 * units + features + outputs)
        if activations.overflow || activations.partialValue > 500_000_000 {
            throw SpecError(file: file, path: training.batchSize == nil ? "training" : "training.batch_size",
                            message: "a batch of \(batch) rows through \(units) units needs more than 4 GB of activations; set a smaller batch_size")
        }
        if model.layers.last!.units != outputs {
            throw SpecError(file: file, path: "model.layers[\(model.layers.count - 1)].units",
                            message: "the output layer has \(model.layers.last!.units) units but the dataset has \(outputs) target column\(outputs == 1 ? "" : "s")")
        }
        guard let parameters = model.parameters else { return }
        var width = features
        for (l, (layer, p)) in zip(model.layers, parameters).enumerated() {
            let path = "model.parameters[\(l)]"
            if p.weights.count != width || p.weights.contains(where: { $0.count != layer.units }) {
                throw SpecError(file: file, path: path + ".weights",
                                message: "expected \(width) rows of \(layer.units) (inputs x units)")
            }
            if p.biases.count != layer.units {
                throw SpecError(file: file, path: path + ".biases", message: "expected \(layer.units) values")
            }
            width = layer.units
        }
    }
}
