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

public struct ModelSpec: Sendable {
    public var layers: [LayerSpec]
    public var initialization: Initialization
    /// Explicit initial parameters, one entry per layer; they replace `init`.
    public var parameters: [(weights: [[Double]], biases: [Double])]?
}

public struct TrainingSpec: Sendable, Equatable {
    public enum Precision: String, CaseIterable, Sendable {
        case float64, float32
    }
    public var epochs: Int
    /// nil: full batch.
    public var batchSize: Int?
    public var precision: Precision
    public var earlyStopping: EarlyStopping?
    /// Gradient norms, weight norms and dead ReLU fractions in metrics.csv.
    public var diagnostics: Bool
    /// `training.checkpoint`: when a run saves its state mid-run.
    public var checkpoint = CheckpointPolicy()
    /// `training.clip_grad_norm`: each step's gradient clipped to this 2-norm (nil: never).
    public var clipGradNorm: Double? = nil

    public static let keys = ["epochs", "batch_size", "precision", "early_stopping", "diagnostics", "checkpoint", "clip_grad_norm"]
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

extension TrainingSpec {
    init(_ reader: JSONReader) throws(SpecError) {
        let tr = try reader.object(allowed: Self.keys)
        let epochsReader = try tr.required("epochs")
        epochs = try epochsReader.int()
        guard (0...1_000_000).contains(epochs) else { throw epochsReader.error("epochs must be from 0 to 1000000 (every epoch is a row of metrics.csv)") }
        batchSize = try tr["batch_size"]?.int()
        if let b = batchSize, b < 1 { throw tr["batch_size"]!.error("the batch size must be at least 1") }
        precision = try tr["precision"]?.choice(Precision.self, what: "precision") ?? .float64
        diagnostics = try tr["diagnostics"]?.bool() ?? false
        if let r = tr["clip_grad_norm"] {
            let c = try r.double()
            guard c > 0, c.isFinite else { throw r.error("clip_grad_norm must be a positive number (the largest 2-norm a step's gradient keeps)") }
            clipGradNorm = c
        }
        if let r = tr["early_stopping"] {
            let o = try r.object(allowed: ["patience", "min_delta"])
            let patience = try o.required("patience")
            guard try patience.int() >= 1 else { throw patience.error("patience must be at least 1 epoch") }
            let minDelta = try o["min_delta"]?.double() ?? 0
            if minDelta < 0 { throw o["min_delta"]!.error("min_delta must be 0 or more") }
            earlyStopping = EarlyStopping(patience: try patience.int(), minDelta: minDelta)
        }
        if let c = tr["checkpoint"] {
            let o = try c.object(allowed: ["every_epochs", "every_seconds"])
            checkpoint = CheckpointPolicy(everyEpochs: nil, everySeconds: nil)
            if let e = o["every_epochs"] {
                checkpoint.everyEpochs = try e.int()
                guard checkpoint.everyEpochs! >= 1 else { throw e.error("every_epochs must be at least 1") }
            }
            if let t = o["every_seconds"] {
                checkpoint.everySeconds = try t.double()
                guard checkpoint.everySeconds! > 0, checkpoint.everySeconds!.isFinite else { throw t.error("every_seconds must be above 0") }
            }
        }
    }
}

/// When a run writes checkpoint.bin: after every `everyEpochs` epochs, and once
/// `everySeconds` of training have passed since the last one (or the start). Without
/// `training.checkpoint`, every 30 s: a run shorter than that writes none. `{}` writes none.
public struct CheckpointPolicy: Equatable, Sendable {
    public var everyEpochs: Int?
    public var everySeconds: Double?

    public init(everyEpochs: Int? = nil, everySeconds: Double? = 30) {
        self.everyEpochs = everyEpochs
        self.everySeconds = everySeconds
    }

    /// Whether to write one after `epoch`, `elapsed` seconds after the last one.
    public func due(epoch: Int, elapsed: Double) -> Bool {
        if let n = everyEpochs, epoch > 0, epoch % n == 0 { return true }
        if let t = everySeconds, elapsed >= t { return true }
        return false
    }
}

extension ModelSpec {
    public static let keys = ["layers", "activation", "init", "parameters"]
    public static let layerKeys = ["units", "activation", "batch_norm", "dropout"]

    init(_ reader: JSONReader) throws(SpecError) {
        let obj = try reader.object(allowed: Self.keys)
        // The activation of every layer that names none: sweeping it sweeps all hidden layers.
        let shared = try obj["activation"]?.choice(Activation.self, what: "activation")
        layers = []
        for item in try obj.required("layers").nonEmptyArray() {
            let l = try item.object(allowed: Self.layerKeys)
            let unitsReader = try l.required("units")
            let units = try unitsReader.int()
            guard units >= 1, units <= 1_000_000 else { throw unitsReader.error("units must be from 1 to 1000000") }
            let activation: Activation
            if let a = l["activation"] {
                activation = try a.choice(Activation.self, what: "activation")
            } else if let shared {
                activation = shared
            } else {
                throw SpecError(file: item.file, at: item.path.appending("activation"), message: "a layer needs an activation (or set model.activation for every layer that names none)")
            }
            let batchNorm = try l["batch_norm"]?.bool() ?? false
            var dropout = 0.0
            if let d = l["dropout"] {
                dropout = try d.double()
                guard dropout >= 0, dropout < 1 else { throw d.error("dropout must be from 0 up to (not including) 1: the fraction of the layer's outputs zeroed in training") }
            }
            layers.append(LayerSpec(units: units, activation: activation, batchNorm: batchNorm, dropout: dropout))
        }
        if let d = try obj.required("layers").nonEmptyArray().last?.object(allowed: Self.layerKeys)["dropout"], layers.last!.dropout > 0 {
            throw d.error("the output layer cannot take dropout (it would zero the network's outputs); give it to a hidden layer")
        }
        // A shared activation that no layer takes would make a sweep over it silently do nothing.
        if let a = obj["activation"], try obj.required("layers").nonEmptyArray().allSatisfy({ (try? $0.object(allowed: Self.layerKeys))?.has("activation") == true }) {
            throw a.error("applies to no layer: every layer names its own activation (leave \"activation\" out of the layers it should set)")
        }
        if let i = obj["init"] {
            let o = try i.object(allowed: ["scheme", "low", "high"])
            enum Scheme: String, CaseIterable { case uniform, xavier, he }
            switch try o.required("scheme").choice(Scheme.self, what: "init scheme") {
            case .uniform:
                let low = try o["low"]?.double() ?? 0, high = try o["high"]?.double() ?? 1
                guard low < high else { throw i.error("low must be below high") }
                initialization = .uniform(low: low, high: high)
            case .xavier: initialization = .xavier
            case .he: initialization = .he
            }
        } else {
            initialization = .xavier
        }
        if let p = obj["parameters"] {
            let items = try p.array()
            guard items.count == layers.count else { throw p.error("\(items.count) entries for \(layers.count) layers") }
            var parameters = [(weights: [[Double]], biases: [Double])]()
            for item in items {
                let o = try item.object(allowed: ["weights", "biases"])
                var weights = [[Double]]()
                for row in try o.required("weights").array() {
                    var values = [Double]()
                    for v in try row.array() { values.append(try v.double()) }
                    weights.append(values)
                }
                var biases = [Double]()
                for v in try o.required("biases").array() { biases.append(try v.double()) }
                parameters.append((weights, biases))
            }
            self.parameters = parameters
        }
    }
}
