import BackpropCore

/// The `optimizer` section of a spec, schedule included, decoded and checked.
extension OptimizerConfiguration {
    public static let keys = ["name", "learning_rate", "momentum", "nesterov", "beta1", "beta2", "epsilon", "weight_decay", "l1", "schedule"]

    init(_ reader: JSONReader) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        let kind = try o["name"]?.choice(Kind.self, what: "optimizer") ?? .sgd
        let lrReader = try o.required("learning_rate")
        self.init(kind: kind, learningRate: try lrReader.double())
        guard learningRate > 0, learningRate.isFinite else { throw lrReader.error("the learning rate must be positive") }
        func fraction(_ key: String, default value: Double) throws(SpecError) -> Double {
            guard let r = o[key] else { return value }
            let v = try r.double()
            guard (0..<1).contains(v) else { throw r.error("\(key) must be from 0 up to (not including) 1") }
            return v
        }
        // Settings of the other optimizer are mistakes, not silently ignored options.
        let own = kind == .sgd ? ["momentum", "nesterov"] : ["beta1", "beta2", "epsilon"]
        for key in ["momentum", "nesterov", "beta1", "beta2", "epsilon"] where o.has(key) && !own.contains(key) {
            throw o[key]!.error("\(key) is a setting of \(kind == .sgd ? "adam" : "sgd"), and this optimizer is \(kind.rawValue)")
        }
        momentum = try fraction("momentum", default: 0)
        nesterov = try o["nesterov"]?.bool() ?? false
        if nesterov && momentum == 0 { throw o["nesterov"]!.error("Nesterov momentum needs a momentum above 0") }
        beta1 = try fraction("beta1", default: 0.9)
        beta2 = try fraction("beta2", default: 0.999)
        if let r = o["epsilon"] {
            epsilon = try r.double()
            guard epsilon > 0 else { throw r.error("epsilon must be positive") }
        }
        if let r = o["weight_decay"] {
            weightDecay = try r.double()
            guard weightDecay >= 0 else { throw r.error("weight_decay must be 0 or more") }
        }
        if let r = o["l1"] {
            l1 = try r.double()
            guard l1 >= 0, l1.isFinite else { throw r.error("l1 must be 0 or more") }
        }
        if let r = o["schedule"] { schedule = try LearningRateSchedule(r) }
    }
}

extension LearningRateSchedule {
    /// "constant", or an object: {"name": "step", "every": 10, "gamma": 0.5},
    /// {"name": "exponential", "gamma": 0.95}, {"name": "cosine", "min_learning_rate": 0}.
    init(_ reader: JSONReader) throws(SpecError) {
        let name: String, o: ObjectReader?
        if case .string(let s) = reader.value { name = s; o = nil } else {
            let obj = try reader.object(allowed: ["name", "every", "gamma", "min_learning_rate"])
            name = try obj.required("name").string()
            o = obj
        }
        let allowed: [String]
        switch name {
        case "constant": self = .constant; allowed = []
        case "step":
            guard let o else { throw reader.error("the step schedule needs \"every\" (epochs): {\"name\": \"step\", \"every\": 10, \"gamma\": 0.5}") }
            let every = try o.required("every")
            guard try every.int() >= 1 else { throw every.error("every must be at least 1 epoch") }
            self = .step(every: try every.int(), gamma: try Self.gamma(o, default: 0.1))
            allowed = ["every", "gamma"]
        case "exponential":
            guard let o else { throw reader.error("the exponential schedule needs \"gamma\": {\"name\": \"exponential\", \"gamma\": 0.95}") }
            _ = try o.required("gamma")
            self = .exponential(gamma: try Self.gamma(o, default: 1))
            allowed = ["gamma"]
        case "cosine":
            let minimum = try o?["min_learning_rate"]?.double() ?? 0
            if minimum < 0, let r = o?["min_learning_rate"] { throw r.error("min_learning_rate must be 0 or more") }
            self = .cosine(minimum: minimum)
            allowed = ["min_learning_rate"]
        default:
            throw (o?["name"] ?? reader).error("unknown schedule \"\(name)\"" + hint(name, Self.names))
        }
        for key in ["every", "gamma", "min_learning_rate"] where o?.has(key) == true && !allowed.contains(key) {
            throw o![key]!.error("the \(name) schedule takes no \(key)")
        }
    }

    private static func gamma(_ o: ObjectReader, default value: Double) throws(SpecError) -> Double {
        guard let r = o["gamma"] else { return value }
        let g = try r.double()
        guard g > 0 && g <= 1 else { throw r.error("gamma must be above 0 and at most 1") }
        return g
    }
}
