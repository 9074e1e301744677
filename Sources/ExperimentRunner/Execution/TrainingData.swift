import BackpropCore
import BackpropData

/// Everything the runner does with a run's data that depends on its precision. The
/// Float/Double choice is made once, in `SweepPlan.buildData`; after it, runs, `plan`'s
/// estimate, `trace` and `verify` call these without asking which precision it is.
public protocol TrainingData: Sendable {
    var features: Int { get }
    var trainingCount: Int { get }
    var validationCount: Int { get }
    /// Classification: the rows have class labels.
    var labelled: Bool { get }
    /// The training set in double precision, for `gradcheck` and the decision boundary.
    var trainingAsDouble: Dataset<Double> { get }
    /// See `LoadedData.fingerprint`.
    func fingerprint() -> String
    /// Trains `run` (see `RunTraining.train`): its result and model.json; nil when cancelled.
    /// With `checkpoints`, it continues from a valid saved checkpoint, saves new ones as the
    /// spec says, and one when it pauses at `until`. `epochDone` is told each epoch done.
    func train(_ run: PlannedRun, cancellation: Cancellation, clock: Stopwatch, checkpoints: CheckpointFile?,
               until: Int?, epochDone: ((Int) -> Void)?) -> (result: RunResult, model: [UInt8])?
    /// Seconds per epoch of `run`, from training it for `epochs` epochs.
    func secondsPerEpoch(_ run: PlannedRun, epochs: Int) -> Double
    /// How the kept `model` (model.json) classifies the test set, else the validation set:
    /// that set's name and the report; nil for regression or without a held-out set.
    func classification(of model: JSONValue, architecture: [LayerSpec]) -> (set: String, report: ClassificationReport)?
    /// `backprop trace`'s output for `run`'s first step: text (`digits` decimals, or all), or JSON.
    func trace(_ run: PlannedRun, json: Bool, digits: Int?) -> String
}

extension TrainingData {
    /// `train` with no one told of each epoch.
    public func train(_ run: PlannedRun, cancellation: Cancellation, clock: Stopwatch, checkpoints: CheckpointFile?,
               until: Int?) -> (result: RunResult, model: [UInt8])? {
        train(run, cancellation: cancellation, clock: clock, checkpoints: checkpoints, until: until, epochDone: nil)
    }
}

/// Where a run's checkpoints go, and the one it may resume from.
public struct CheckpointFile: Sendable {
    public var path: String
    /// The bytes of the checkpoint on disk, when there is one to try.
    public var existing: [UInt8]?
    /// `Checkpoint.identity` of the run, made only when a checkpoint is read or written
    /// (most runs of a sweep of short runs do neither).
    public var identity: @Sendable () -> String
    public var write: @Sendable ([UInt8]) -> Void
    public var warn: @Sendable (String) -> Void
    /// Told the epoch a run resumes after.
    public var resumed: @Sendable (Int) -> Void

    public init(path: String, existing: [UInt8]?, identity: @escaping @Sendable () -> String, write: @escaping @Sendable ([UInt8]) -> Void,
                warn: @escaping @Sendable (String) -> Void, resumed: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.path = path
        self.existing = existing
        self.identity = identity
        self.write = write
        self.warn = warn
        self.resumed = resumed
    }
}

extension DataSplits: TrainingData {
    public var features: Int { training.features }
    public var trainingCount: Int { training.count }
    public var validationCount: Int { validation?.count ?? 0 }
    public var labelled: Bool { training.labels != nil }
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

    public func train(_ run: PlannedRun, cancellation: Cancellation, clock: Stopwatch, checkpoints file: CheckpointFile?,
                      until: Int?, epochDone: ((Int) -> Void)?) -> (result: RunResult, model: [UInt8])? {
        let activations = run.spec.model.layers.map(\.activation)
        var resume: (state: TrainingState<T>, rows: [MetricsRow], seconds: Double)?
        if let file, let bytes = file.existing {
            let parameters = Network<Double>.parameterCount(inputs: features, architecture: run.spec.model.layers)
            switch Checkpoint.decode(bytes, as: T.self, identity: file.identity(), parameters: parameters, rows: trainingCount) {
            case let .success(saved):
                let statistics = Network<Double>.layout(inputs: features, architecture: run.spec.model.layers).reduce(0) { $0 + $1.statisticsCount }
                if let problem = saved.state.problem(configuration: run.trainingConfiguration, parameters: parameters, statistics: statistics,
                                                     rows: trainingCount) {
                    file.warn("\(file.path): damaged (\(problem)); the run starts over")
                } else if let rows = MetricsLog.parse(saved.metrics), rows.count == saved.state.epoch + 1,
                          rows.enumerated().allSatisfy({ $0.element.record.epoch == $0.offset }) {
                    resume = (saved.state, rows, saved.seconds)
                    file.resumed(saved.state.epoch)
                } else {
                    file.warn("\(file.path): damaged (its metrics do not fit the run); the run starts over")
                }
            case let .failure(error):
                file.warn("\(file.path): \(error); the run starts over")
            }
        }
        let save: ((TrainingState<T>, [MetricsRow], Double) -> Void)? = file.map { file in
            var identity: String?
            return { state, rows, seconds in
                if identity == nil { identity = file.identity() }
                file.write(Checkpoint.encode(state, identity: identity!, seconds: seconds, metrics: MetricsLog.csv(rows, activations: activations)))
            }
        }
        guard let trained = RunTraining.train(run, self, cancellation: cancellation, clock: clock, resume: resume, until: until,
                                                 save: save, epochDone: epochDone) else {
            return nil
        }
        if let paused = trained.paused { save?(paused, trained.result.rows, trained.result.seconds) }
        return (trained.result, ModelFile.bytes(trained.network, classes: training.classNames, features: featureNames, normalization: normalization))
    }

    public func classification(of model: JSONValue, architecture: [LayerSpec]) -> (set: String, report: ClassificationReport)? {
        guard let (name, set) = test.map({ ("test", $0) }) ?? validation.map({ ("validation", $0) }), let labels = set.labels,
              let classes = training.classNames, let network = ModelFile.network(model, inputs: features, architecture: architecture),
              network.outputs == classes.count || (network.outputs == 1 && classes.count == 2) else { return nil }
        let net: Network<T> = network.converted()
        let outputs = net.predict(set.inputs)  // the set is normalised already
        let predicted = Network<T>.predictedClasses(outputs)
        // The probability of class 1: the one output, or the second column.
        let scores = (0..<outputs.rows).map { Double(outputs[$0, min(1, outputs.columns - 1)]) }
        return (name, ClassificationReport(classes: classes, truth: labels, predicted: predicted, positiveScores: classes.count == 2 ? scores : nil))
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
