import BackpropCore
import Foundation

extension PlannedRun {
    /// The run's starting network: the spec's explicit parameters, or its seeded scheme.
    public func initialNetwork(inputs: Int) -> Network<Double> {
        if let p = spec.model.parameters {
            return Network(inputs: inputs, architecture: spec.model.layers, weightsAndBiases: p.map { (Matrix($0.weights), $0.biases) })
        }
        return Network(inputs: inputs, architecture: spec.model.layers, initialization: spec.model.initialization, seed: seed)
    }
}

extension SweepPlan {
    /// The first run with its data and starting network, for `trace` and `gradcheck`.
    /// The batch is the first `batch_size` training rows (all of them for full batch),
    /// at most `limit`.
    public func firstRunBatch(limit: Int? = nil) throws -> (run: PlannedRun, network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>) {
        guard let run = runs.first else { throw SpecError(file: file, path: "", message: "the spec expands to no runs") }
        let data = try Sweep(plan: self, jobs: 1, gnuplot: nil).buildData()[run.index]!.trainingAsDouble
        var rows = min(run.spec.training.batchSize ?? data.count, data.count)
        if let limit { rows = min(rows, limit) }
        let batch = data.subset(Array(0..<rows))
        return (run, run.initialNetwork(inputs: data.features), batch.inputs, batch.targets)
    }
}

/// What `backprop trace` prints: every intermediate of one step, as text or JSON.
public enum TraceReport {
    public static func json(_ t: StepTrace<Double>) -> JSONValue {
        func m(_ x: Matrix<Double>) -> JSONValue { .array(x.nested.map { .array($0.map { .number($0) }) }) }
        func v(_ x: [Double]) -> JSONValue { .array(x.map { .number($0) }) }
        return .object([
            ("forward", .array(t.forward.map { .object([("z", m($0.z)), ("a", m($0.a))]) })),
            ("loss", .number(t.loss)),
            ("backward", .array(t.backward.map { .object([("delta", m($0.delta)), ("dW", m($0.dW)), ("db", v($0.db))]) })),
            ("updated", .array(t.updated.map { .object([("weights", m($0.weights)), ("biases", v($0.biases))]) })),
        ])
    }

    /// Layer by layer; `digits` rounds to that many decimals (NumPy prints 8), nil prints
    /// every digit (the shortest form that reads back exactly).
    public static func text(_ t: StepTrace<Double>, network: Network<Double>, loss: String, learningRate: Double, digits: Int?) -> String {
        func n(_ x: Double) -> String { digits.map { String(format: "%.\($0)f", x) } ?? "\(x)" }
        func m(_ x: Matrix<Double>) -> String { "[" + x.nested.map { "[" + $0.map(n).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        func v(_ x: [Double]) -> String { "[" + x.map(n).joined(separator: ", ") + "]" }
        var out = "Forward pass: z = a_prev·W + b, a = f(z)   (W is inputs x units)\n"
        for (l, f) in t.forward.enumerated() {
            let layer = network.layers[l]
            out += "  layer \(l + 1) (\(layer.inputs) -> \(layer.units), \(layer.activation.rawValue))\n"
            out += "    z = \(m(f.z))\n    a = \(m(f.a))\n"
        }
        out += "Loss (\(loss)) = \(n(t.loss))\n"
        out += "Backward pass: delta = dL/dz, dW = a_prevᵀ·delta, db = Σ delta\n"
        for (l, b) in t.backward.enumerated().reversed() {
            out += "  layer \(l + 1)\n    delta = \(m(b.delta))\n    dW = \(m(b.dW))\n    db = \(v(b.db))\n"
        }
        out += "Update: W <- W - \(learningRate) · dW, b <- b - \(learningRate) · db\n"
        for (l, u) in t.updated.enumerated() {
            out += "  layer \(l + 1)\n    W = \(m(u.weights))\n    b = \(v(u.biases))\n"
        }
        return out
    }
}
