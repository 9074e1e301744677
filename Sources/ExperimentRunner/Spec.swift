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

    public static let keys = ["name", "description", "dataset", "model", "loss", "optimizer", "training", "seeds", "grid"]
}

public struct ModelSpec: Sendable {
    public var layers: [LayerSpec]
    public var initialization: Initialization
    /// Explicit initial parameters, one entry per layer; they replace `init`.
    public var parameters: [(weights: [[Double]], biases: [Double])]?
}

public struct TrainingSpec: Sendable, Equatable {
    public var epochs: Int
    /// nil: full batch.
    public var batchSize: Int?
}

extension ExperimentSpec {
    /// Decodes and checks a spec (without its grid, which `SweepPlan` expands first).
    public init(json: JSONValue, file: String) throws(SpecError) {
        let root = try JSONReader(json, file: file).object(allowed: Self.keys)
        let nameReader = try root.required("name")
        name = try nameReader.string()
        guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", !name.hasPrefix(".") else {
            throw nameReader.error("\"\(name)\" cannot name a results directory: use letters, digits, '-' and '_'")
        }
        description = try root["description"]?.string()
        dataset = try DatasetSpec(try root.required("dataset"))
        model = try ModelSpec(try root.required("model"))
        loss = try root.required("loss").choice(Loss.self, what: "loss")
        let opt = try root.required("optimizer").object(allowed: ["name", "learning_rate"])
        let lrReader = try opt.required("learning_rate")
        optimizer = OptimizerConfiguration(kind: try opt["name"]?.choice(OptimizerConfiguration.Kind.self, what: "optimizer") ?? .sgd,
                                           learningRate: try lrReader.double())
        guard optimizer.learningRate > 0 else { throw lrReader.error("the learning rate must be positive") }
        let tr = try root.required("training").object(allowed: ["epochs", "batch_size"])
        let epochsReader = try tr.required("epochs")
        training = TrainingSpec(epochs: try epochsReader.int(), batchSize: try tr["batch_size"]?.int())
        guard training.epochs >= 0 else { throw epochsReader.error("epochs must be 0 or more") }
        if let b = training.batchSize, b < 1 { throw tr["batch_size"]!.error("the batch size must be at least 1") }
        if let s = root["seeds"] {
            var seeds = [UInt64]()
            for item in try s.nonEmptyArray() { seeds.append(try item.uint64()) }
            guard Set(seeds).count == seeds.count else { throw s.error("seeds repeat") }
            self.seeds = seeds
        } else {
            seeds = [0]
        }
        try checkModel(root: root)
    }

    /// What can be checked without the data: the output layer against the loss, and
    /// explicit parameters against the architecture (their input width is the dataset's).
    private func checkModel(root: ObjectReader) throws(SpecError) {
        let layers = try root.required("model").object(allowed: ModelSpec.keys).required("layers")
        for (i, layer) in model.layers.enumerated() where layer.activation == .softmax && i != model.layers.count - 1 {
            throw JSONReader(.null, path: layers.path.appending(i).appending("activation"), file: layers.file)
                .error("softmax belongs to the output layer only")
        }
        let output = model.layers.last!
        let lossReader = try root.required("loss")
        switch loss {
        case .crossEntropy where output.activation != .softmax:
            throw lossReader.error("cross_entropy needs a softmax output layer (the output layer is \(output.activation.rawValue))")
        case .crossEntropy where output.units < 2:
            throw lossReader.error("cross_entropy needs at least 2 output units, one per class")
        case .binaryCrossEntropy where output.activation != .sigmoid:
            throw lossReader.error("binary_cross_entropy needs a sigmoid output layer (the output layer is \(output.activation.rawValue))")
        default: break
        }
    }

    /// The input width of the network, given the dataset's feature count: also checks that
    /// explicit parameters fit.
    public func checkShapes(features: Int, outputs: Int, file: String) throws(SpecError) {
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

extension ModelSpec {
    static let keys = ["layers", "init", "parameters"]

    init(_ reader: JSONReader) throws(SpecError) {
        let obj = try reader.object(allowed: Self.keys)
        layers = []
        for item in try obj.required("layers").nonEmptyArray() {
            let l = try item.object(allowed: ["units", "activation"])
            let unitsReader = try l.required("units")
            let units = try unitsReader.int()
            guard units >= 1, units <= 1_000_000 else { throw unitsReader.error("units must be from 1 to 1000000") }
            layers.append(LayerSpec(units: units, activation: try l.required("activation").choice(Activation.self, what: "activation")))
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
