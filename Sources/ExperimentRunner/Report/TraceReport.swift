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
        func p(_ x: [StepTrace<T>.Parameters]) -> JSONValue {
            .array(x.map {
                var fields: [(String, JSONValue)] = [("weights", m($0.weights)), ("biases", v($0.biases))]
                if let g = $0.scale, let b = $0.shift { fields += [("scale", v(g)), ("shift", v(b))] }
                return .object(fields)
            })
        }
        func forward(_ f: StepTrace<T>.Forward) -> JSONValue {
            var fields: [(String, JSONValue)] = [("z", m(f.z))]
            if let mean = f.batchMean, let variance = f.batchVariance, let y = f.normalized {
                fields += [("batch_mean", v(mean)), ("batch_variance", v(variance)), ("y", m(y))]
            }
            if let activated = f.activated, let mask = f.mask { fields += [("f_y", m(activated)), ("mask", m(mask))] }
            return .object(fields + [("a", m(f.a))])
        }
        func backward(_ b: StepTrace<T>.Backward) -> JSONValue {
            var fields: [(String, JSONValue)] = [("delta", m(b.delta)), ("dW", m(b.dW)), ("db", v(b.db))]
            if let g = b.dScale, let s = b.dShift { fields += [("dscale", v(g)), ("dshift", v(s))] }
            return .object(fields)
        }
        let running: [JSONValue] = t.runningStatistics.map { s in
            s.map { .object([("running_mean", v($0.mean)), ("running_var", v($0.variance))]) } ?? .null
        }
        return .object([
            ("forward", .array(t.forward.map(forward))),
            ("loss", .number(Double(t.loss))),
            ("backward", .array(t.backward.map(backward))),
            ("learning_rate", .number(t.learningRate)),
            ("optimizer_state", .object(t.state.map { ($0.name, p($0.layers)) })),
            ("updated", p(t.updated)),
        ] + (running.contains { $0 != .null } ? [("running_statistics", .array(running))] : []))
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
        if network.layers.contains(where: \.batchNorm) {
            out += "  batch norm: μ, σ² = the batch's mean and biased variance of z, y = γ · (z - μ)/√(σ² + \(BatchNormalization.epsilon)) + β, a = f(y)\n"
        }
        if network.layers.contains(where: { $0.dropout > 0 }) {
            out += "  dropout p: a = f(y) ⊙ mask, mask = 1/(1 - p) where kept, 0 where dropped (the run's dropout stream)\n"
        }
        for (l, f) in t.forward.enumerated() {
            let layer = network.layers[l]
            let extras = (layer.batchNorm ? ", batch norm" : "") + (layer.dropout > 0 ? ", dropout \(layer.dropout)" : "")
            out += "  layer \(l + 1) (\(layer.inputs) -> \(layer.units), \(layer.activation.rawValue)\(extras))\n"
            out += "    z = \(m(f.z))\n"
            if let mean = f.batchMean, let variance = f.batchVariance, let y = f.normalized {
                out += "    μ = \(v(mean))\n    σ² = \(v(variance))\n    y = \(m(y))\n"
            }
            if let activated = f.activated, let mask = f.mask { out += "    f(y) = \(m(activated))\n    mask = \(m(mask))\n" }
            out += "    a = \(m(f.a))\n"
        }
        out += "Loss (\(loss)) = \(n(t.loss))" + (t.weightDecay != 0 ? "   (the data loss, without the weight-decay penalty)\n" : "\n")
        out += "Backward pass: delta = dL/dz, dW = a_prevᵀ·delta" + (t.weightDecay != 0 ? " + λ/n · W" : "") + (t.l1 != 0 ? " + λ₁ · sign(W) (λ₁ = \(t.l1))" : "")
            + ", db = Σ delta" + (t.clipping != nil ? "; both after clipping" : "") + "\n"
        if let c = t.clipping {
            out += "Gradient-norm clipping (clip_grad_norm \(c.maxNorm)): ‖g‖ = \(n(T(c.norm))) before, every gradient × min(\(c.maxNorm) / (‖g‖ + 1e-6), 1) = \(n(T(c.coefficient)))\n"
        }
        for (l, b) in t.backward.enumerated().reversed() {
            out += "  layer \(l + 1)\n    delta = \(m(b.delta))\n    dW = \(m(b.dW))\n    db = \(v(b.db))\n"
            if let g = b.dScale, let s = b.dShift { out += "    dγ = \(v(g))\n    dβ = \(v(s))\n" }
        }
        out += rule(optimizer, learningRate: t.learningRate, weightDecay: t.weightDecay, rows: t.rows, adamSteps: t.adamSteps)
        for state in t.state {
            out += "Optimizer state \(state.name) after the step\n"
            for (l, s) in state.layers.enumerated() {
                out += "  layer \(l + 1)\n    \(state.name)_W = \(m(s.weights))\n    \(state.name)_b = \(v(s.biases))\n"
                if let g = s.scale, let b = s.shift { out += "    \(state.name)_γ = \(v(g))\n    \(state.name)_β = \(v(b))\n" }
            }
        }
        out += "Updated parameters\n"
        for (l, u) in t.updated.enumerated() {
            out += "  layer \(l + 1)\n    W = \(m(u.weights))\n    b = \(v(u.biases))\n"
            if let g = u.scale, let s = u.shift { out += "    γ = \(v(g))\n    β = \(v(s))\n" }
        }
        for (l, r) in t.runningStatistics.enumerated() {
            guard let r else { continue }
            out += "Running statistics after the step (momentum \(BatchNormalization.momentum), unbiased variance), layer \(l + 1)\n"
            out += "    running_mean = \(v(r.mean))\n    running_var = \(v(r.variance))\n"
        }
        return out
    }
}
