import BackpropCore
import BackpropData
import Foundation

extension SweepPlan {
    /// The first run with its data, for `trace` and `gradcheck`.
    public func firstRun() throws -> (run: PlannedRun, data: LoadedData) {
        guard let run = runs.first else { throw SpecError(file: file, path: "", message: "the spec expands to no runs") }
        return (run, try buildData()[run.index]!)
    }
}

extension PlannedRun {
    /// The first `batch_size` training rows (all of them for full batch), at most `limit`.
    public func firstBatch<T: Scalar>(_ data: Dataset<T>, limit: Int? = nil) -> Dataset<T> {
        var rows = min(spec.training.batchSize ?? data.count, data.count)
        if let limit { rows = min(rows, limit) }
        return data.subset(Array(0..<rows))
    }

    /// The first training step of this run, in its precision: the step `train` takes.
    public func traceFirstStep<T: Scalar>(_ data: DataSplits<T>) -> StepTrace<T> {
        let batch = firstBatch(data.training)
        let network: Network<T> = initialNetwork(inputs: data.training.features).converted()
        return Trainer<T>(configuration: trainingConfiguration).traceFirstStep(network, inputs: batch.inputs, targets: batch.targets)
    }
}

/// What `backprop trace` prints: every intermediate of one step, as text or JSON.
public enum TraceReport {
    public static func json<T: Scalar>(_ t: StepTrace<T>) -> JSONValue {
        func m(_ x: Matrix<T>) -> JSONValue { .array(x.nested.map { .array($0.map { .number(Double($0)) }) }) }
        func v(_ x: [T]) -> JSONValue { .array(x.map { .number(Double($0)) }) }
        func p(_ x: [StepTrace<T>.Parameters]) -> JSONValue { .array(x.map { .object([("weights", m($0.weights)), ("biases", v($0.biases))]) }) }
        return .object([
            ("forward", .array(t.forward.map { .object([("z", m($0.z)), ("a", m($0.a))]) })),
            ("loss", .number(Double(t.loss))),
            ("backward", .array(t.backward.map { .object([("delta", m($0.delta)), ("dW", m($0.dW)), ("db", v($0.db))]) })),
            ("learning_rate", .number(t.learningRate)),
            ("optimizer_state", .object(t.state.map { ($0.name, p($0.layers)) })),
            ("updated", p(t.updated)),
        ])
    }

    /// The update rule a step applied, with its constants, as `trace` prints it.
    public static func rule(_ optimizer: OptimizerConfiguration, learningRate: Double, weightDecay: Double, rows: Int, adamSteps: Int?) -> String {
        let name = optimizer.kind == .adam ? "adam" : optimizer.momentum == 0 ? "sgd" : optimizer.nesterov ? "sgd, Nesterov momentum" : "sgd, momentum"
        var out = "Update (\(name)):\n"
        if weightDecay != 0 {
            out += "  g = dW + λ/n · W for weights (weight decay; biases: g = db), λ = \(weightDecay), n = \(rows): dW above includes λ/n · W\n"
        } else {
            out += "  g = dW for weights, db for biases\n"
        }
        switch optimizer.kind {
        case .sgd where optimizer.momentum == 0:
            out += "  W <- W - lr · g, lr = \(learningRate)\n"
        case .sgd where optimizer.nesterov:
            out += "  v <- μ · v + g, W <- W - lr · (g + μ · v), μ = \(optimizer.momentum), lr = \(learningRate) (Nesterov; v starts at 0)\n"
        case .sgd:
            out += "  v <- μ · v + g, W <- W - lr · v, μ = \(optimizer.momentum), lr = \(learningRate) (v starts at 0)\n"
        case .adam:
            let t = adamSteps ?? 1
            let c1 = 1 - Double.pow(optimizer.beta1, Double(t)), c2 = 1 - Double.pow(optimizer.beta2, Double(t))
            out += "  m <- β1 · m + (1 - β1) · g, v <- β2 · v + (1 - β2) · g², β1 = \(optimizer.beta1), β2 = \(optimizer.beta2) (m, v start at 0)\n"
            out += "  m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t), t = \(t): 1 - β1^t = \(c1), 1 - β2^t = \(c2)\n"
            out += "  W <- W - lr · m̂ / (√v̂ + ε), lr = \(learningRate), ε = \(optimizer.epsilon)\n"
        }
        return out
    }

    /// Layer by layer; `digits` rounds to that many decimals (NumPy prints 8), nil prints
    /// every digit (the shortest form that reads back exactly, in the run's precision).
    public static func text<T: Scalar>(_ t: StepTrace<T>, network: Network<T>, loss: String, optimizer: OptimizerConfiguration, digits: Int?) -> String {
        func n(_ x: T) -> String { digits.map { String(format: "%.\($0)f", Double(x)) } ?? "\(x)" }
        func m(_ x: Matrix<T>) -> String { "[" + x.nested.map { "[" + $0.map(n).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        func v(_ x: [T]) -> String { "[" + x.map(n).joined(separator: ", ") + "]" }
        var out = "Forward pass: z = a_prev·W + b, a = f(z)   (W is inputs x units)\n"
        for (l, f) in t.forward.enumerated() {
            let layer = network.layers[l]
            out += "  layer \(l + 1) (\(layer.inputs) -> \(layer.units), \(layer.activation.rawValue))\n"
            out += "    z = \(m(f.z))\n    a = \(m(f.a))\n"
        }
        out += "Loss (\(loss)) = \(n(t.loss))" + (t.weightDecay != 0 ? "   (the data loss, without the weight-decay penalty)\n" : "\n")
        out += "Backward pass: delta = dL/dz, dW = a_prevᵀ·delta" + (t.weightDecay != 0 ? " + λ/n · W" : "") + (t.l1 != 0 ? " + λ₁ · sign(W) (λ₁ = \(t.l1))" : "")
            + ", db = Σ delta" + (t.clipping != nil ? "; both after clipping" : "") + "\n"
        if let c = t.clipping {
            out += "Gradient-norm clipping (clip_grad_norm \(c.maxNorm)): ‖g‖ = \(n(T(c.norm))) before, every gradient × min(\(c.maxNorm) / (‖g‖ + 1e-6), 1) = \(n(T(c.coefficient)))\n"
        }
        for (l, b) in t.backward.enumerated().reversed() {
            out += "  layer \(l + 1)\n    delta = \(m(b.delta))\n    dW = \(m(b.dW))\n    db = \(v(b.db))\n"
        }
        out += rule(optimizer, learningRate: t.learningRate, weightDecay: t.weightDecay, rows: t.rows, adamSteps: t.adamSteps)
        for state in t.state {
            out += "Optimizer state \(state.name) after the step\n"
            for (l, s) in state.layers.enumerated() { out += "  layer \(l + 1)\n    \(state.name)_W = \(m(s.weights))\n    \(state.name)_b = \(v(s.biases))\n" }
        }
        out += "Updated parameters\n"
        for (l, u) in t.updated.enumerated() {
            out += "  layer \(l + 1)\n    W = \(m(u.weights))\n    b = \(v(u.biases))\n"
        }
        return out
    }
}
