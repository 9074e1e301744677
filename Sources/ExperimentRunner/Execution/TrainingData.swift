import BackpropCore
import BackpropData

/// Everything the runner does with a run's data that depends on its precision. The
/// Float/Double choice is made once, in `SweepPlan.buildData`; after it, runs, `plan`'s
/// estimate, `trace` and `verify` call these without asking which precision it is.
public protocol TrainingData: Sendable {
    var features: Int { get }
    var trainingCount: Int { get }
    var validationCount: Int { get }
    /// The training set in double precision, for `gradcheck` and the decision boundary.
    var trainingAsDouble: Dataset<Double> { get }
    /// See `LoadedData.fingerprint`.
    func fingerprint() -> String
    /// Trains `run` (see `RunTraining.train`): its result and model.json; nil when cancelled.
    func train(_ run: PlannedRun, cancellation: Cancellation, clock: Stopwatch) -> (result: RunResult, model: JSONValue)?
    /// Seconds per epoch of `run`, from training it for `epochs` epochs.
    func secondsPerEpoch(_ run: PlannedRun, epochs: Int) -> Double
    /// `backprop trace`'s output for `run`'s first step: text (`digits` decimals, or all), or JSON.
    func trace(_ run: PlannedRun, json: Bool, digits: Int?) -> String
}

extension DataSplits: TrainingData {
    public var features: Int { training.features }
    public var trainingCount: Int { training.count }
    public var validationCount: Int { validation?.count ?? 0 }
    public var trainingAsDouble: Dataset<Double> { training.converted() }

    /// FNV-1a over 64-bit words of the sets' bytes, their shapes, labels and class names.
    public func fingerprint() -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ x: UInt64) { h = (h ^ x) &* 0x0000_0100_0000_01B3 }
        func mix<E>(_ elements: [E]) {
            mix(UInt64(elements.count))
            elements.withUnsafeBytes { raw in
                var i = 0
                while i + 8 <= raw.count { mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)); i += 8 }
                var tail: UInt64 = 0
                while i < raw.count { tail = tail << 8 | UInt64(raw[i]); i += 1 }
                mix(tail)
            }
        }
        for set in [training, validation, test] {
            guard let set else { mix(0); continue }
            mix(UInt64(set.features))
            mix(set.inputs.elements)
            mix(set.targets.elements)
            mix(set.labels ?? [])
            for name in set.classNames ?? [] { mix(Array(name.utf8)) }
        }
        return "fnv1a64:" + String(h, radix: 16).leftPad(16, with: "0")
    }

    public func train(_ run: PlannedRun, cancellation: Cancellation, clock: Stopwatch) -> (result: RunResult, model: JSONValue)? {
        guard let (result, network) = RunTraining.train(run, self, cancellation: cancellation, clock: clock) else { return nil }
        return (result, ModelFile.json(network, classes: training.classNames))
    }

    public func secondsPerEpoch(_ run: PlannedRun, epochs: Int) -> Double {
        var configuration = run.trainingConfiguration
        configuration.epochs = epochs
        configuration.earlyStopping = nil
        let network: Network<T> = run.initialNetwork(inputs: training.features).converted()
        let clock = Stopwatch()
        _ = Trainer<T>(configuration: configuration).train(network, on: training, validation: validation)
        return clock.seconds / Double(epochs + 1)
    }

    public func trace(_ run: PlannedRun, json: Bool, digits: Int?) -> String {
        let trace = run.traceFirstStep(self)
        if json { return TraceReport.json(trace).serialized(indent: nil) + "\n" }
        let network: Network<T> = run.initialNetwork(inputs: training.features).converted()
        return TraceReport.text(trace, network: network, loss: run.spec.loss.rawValue, optimizer: run.spec.optimizer, digits: digits)
    }
}
