import BackpropCore
import BackpropData

/// Trains one run in memory, from its spec and seed, on data in its precision.
public enum RunTraining {
    /// A run trained to its end, or paused.
    public struct Trained<T: Scalar> {
        /// Status, metrics (every epoch, from epoch 0, those before a resume included), early
        /// stopping, test metrics.
        public var result: RunResult
        public var network: Network<T>
        /// Set when it stopped at `until` before its end: the state to continue from.
        public var paused: TrainingState<T>?
    }

    /// The run's result and final network; nil when `cancellation` stopped it.
    public static func train<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>, cancellation: Cancellation,
                                        clock: Stopwatch = Stopwatch()) -> (RunResult, Network<T>)? {
        train(run, data, cancellation: cancellation, clock: clock, resume: nil, until: nil, save: nil, epochDone: nil).map { ($0.result, $0.network) }
    }

    /// Trains `run` from the start, or from `resume`, until it ends or epoch `until` is done
    /// (paused). Each epoch becomes its metrics.csv row as the loop hands it over (before
    /// the divergence check, so a diverging epoch is logged too): its record, its
    /// diagnostics and the clock, read once, here; a resumed run's clock goes on from the
    /// checkpoint's seconds. `save` receives the state, the rows so far and the seconds
    /// whenever the spec's checkpoint policy says so (never after the last epoch); `epochDone`
    /// is told each epoch's number (the live progress line).
    public static func train<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>, cancellation: Cancellation, clock: Stopwatch,
                                        resume: (state: TrainingState<T>, rows: [MetricsRow], seconds: Double)?, until: Int?,
                                        save: ((TrainingState<T>, [MetricsRow], Double) -> Void)?,
                                        epochDone: ((Int) -> Void)?) -> Trained<T>? {
        let network: Network<T> = run.initialNetwork(inputs: data.training.features).converted()
        let configuration = run.trainingConfiguration
        let loop = resume.map { TrainingLoop(configuration: configuration, network: network, resuming: $0.state, data: data.training, validation: data.validation) }
            ?? TrainingLoop(configuration: configuration, network: network, data: data.training, validation: data.validation)
        let offset = resume?.seconds ?? 0
        var rows = resume?.rows ?? []
        rows.reserveCapacity(run.spec.training.epochs + 1)
        let policy = run.spec.training.checkpoint, saves = save != nil
        // The clock is read once an epoch, for its row; the checkpoint policy uses that reading.
        var now = clock.seconds, lastSave = now
        var outcome: TrainingOutcome?
        while true {
            outcome = loop.run(until: until, pauseAfter: { epoch in saves && policy.due(epoch: epoch, elapsed: now - lastSave) }) { epoch in
                now = clock.seconds
                rows.append(MetricsRow(record: epoch.record, seconds: offset + now, diagnostics: epoch.diagnostics))
                epochDone?(epoch.record.epoch)
                return !cancellation.isCancelled
            }
            if outcome != nil || loop.epoch >= (until ?? .max) { break }
            save?(loop.state, rows, offset + clock.seconds)
            lastSave = clock.seconds
        }
        if case .stopped = outcome { return nil }
        var result = RunResult(run: run, status: .completed, message: nil, rows: rows, seconds: 0)
        switch outcome {
        case let .diverged(epoch)?:
            result.status = .diverged
            result.message = "loss or parameters not finite after epoch \(epoch)"
        case let .earlyStopped(epoch, best)?:
            result.stoppedEpoch = epoch
            result.restoredEpoch = best
        case nil:
            result.status = .paused
        case .completed?, .stopped?: break
        }
        if let test = data.test, result.status == .completed {
            let workspace = Workspace<T>(network: loop.network, capacity: max(Workspace<T>.evaluationRows(for: loop.network, rows: test.count), 1), backward: false, batches: false)
            result.test = loop.network.evaluate(test, loss: run.spec.loss, workspace: workspace)
        }
        result.seconds = offset + clock.seconds
        return Trained(result: result, network: loop.network, paused: outcome == nil ? loop.state : nil)
    }
}
