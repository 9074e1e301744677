import BackpropCore
import BackpropData

/// Trains one run in memory, from its spec and seed, on data in its precision.
public enum RunTraining {
    /// The run's result (status, metrics, early stopping, test metrics) and final network;
    /// nil when `cancellation` stopped it. Each epoch becomes its metrics.csv row as the
    /// trainer hands it over (before the divergence check, so a diverging epoch is logged
    /// too): its record, its diagnostics and the clock, read once, here.
    public static func train<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>, cancellation: Cancellation,
                                        clock: Stopwatch = Stopwatch()) -> (RunResult, Network<T>)? {
        let network: Network<T> = run.initialNetwork(inputs: data.training.features).converted()
        var rows = [MetricsRow]()
        rows.reserveCapacity(run.spec.training.epochs + 1)
        let outcome = Trainer<T>(configuration: run.trainingConfiguration).train(network, on: data.training, validation: data.validation) { epoch in
            rows.append(MetricsRow(record: epoch.record, seconds: clock.seconds, diagnostics: epoch.diagnostics))
            return !cancellation.isCancelled
        }
        if case .stopped = outcome.outcome { return nil }
        var result = RunResult(run: run, status: .completed, message: nil, rows: rows, seconds: 0)
        switch outcome.outcome {
        case let .diverged(epoch):
            result.status = .diverged
            result.message = "loss or parameters not finite after epoch \(epoch)"
        case let .earlyStopped(epoch, best):
            result.stoppedEpoch = epoch
            result.restoredEpoch = best
        case .completed, .stopped: break
        }
        if let test = data.test, result.status == .completed {
            let workspace = Workspace<T>(network: outcome.network, capacity: max(Workspace<T>.evaluationRows(for: outcome.network, rows: test.count), 1))
            result.test = outcome.network.evaluate(test, loss: run.spec.loss, workspace: workspace)
        }
        result.seconds = clock.seconds
        return (result, outcome.network)
    }
}
