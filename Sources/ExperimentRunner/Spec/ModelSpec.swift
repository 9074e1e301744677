import BackpropCore

/// The spec's `model`: the layers, the initialisation, or explicit initial parameters.
public struct ModelSpec: Sendable {
    public var layers: [LayerSpec]
    public var initialization: Initialization
    /// Explicit initial parameters, one entry per layer; they replace `init`.
    public var parameters: [(weights: [[Double]], biases: [Double])]?
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
