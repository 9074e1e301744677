import BackpropCore
import Foundation

/// One run of a sweep, start to finish: its lock, its training in the data's precision, its
/// files (status.json last).
extension Sweep {
    /// A run under its lock: busy when another process holds it.
    func executeLocked(_ run: PlannedRun, data: LoadedData) -> RunResult {
        let dir = directory.runPath(run.id)
        var result = RunResult(run: run, status: .busy, message: nil, rows: [], seconds: 0)
        let lock: FileLock?
        do { lock = try FileLock.acquire(dir + "/.lock", wait: false) } catch {
            result.status = .failed
            result.message = error.description
            result.writeError = error
            return result
        }
        guard let lock else { return result }
        defer { _ = lock }
        // Everything is checked again under the lock: another process may have finished it,
        // or claimed it for another configuration, since this one looked.
        switch state(of: run, fingerprint: data.fingerprint) {
        case let .complete(done) where !force:
            var r = done
            r.status = .busy
            return r
        case let .conflicting(file, reason) where !force:
            result.status = .failed
            result.writeError = ResultsError(path: file, message: reason + "; another backprop process claimed it: results are never mixed")
            return result
        default: break
        }
        // The old status goes first: from here until the new one is written, the folder is
        // incomplete, whatever happens to this process.
        try? FileManager.default.removeItem(atPath: dir + "/status.json")
        return execute(run, data: data)
    }

    /// One run, start to finish, on the calling thread, in its data's precision.
    func execute(_ run: PlannedRun, data: LoadedData) -> RunResult {
        switch data.splits {
        case let .float64(d): return execute(run, d, fingerprint: data.fingerprint)
        case let .float32(d): return execute(run, d, fingerprint: data.fingerprint)
        }
    }

    func execute<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>, fingerprint: String) -> RunResult {
        let clock = Stopwatch()
        guard let (trained, network) = Self.train(run, data, cancellation: cancellation, clock: clock) else {
            // Abandoned: nothing of it is written, and it has no status file.
            return RunResult(run: run, status: .interrupted, message: nil, rows: [], seconds: 0)
        }
        var result = trained
        result.dataFingerprint = fingerprint
        do {
            result.plotWarning = try writeRun(result, network: network, classes: data.training.classNames)
            result.seconds = clock.seconds
            try ResultsDirectory.writeAtomically(StatusFile(result).json.serialized() + "\n", to: directory.runPath(run.id) + "/status.json")
        } catch {
            // No status.json: the run stays incomplete, and the sweep stops (the next run
            // would meet the same disk).
            result.status = .failed
            result.message = error.description
            result.writeError = error
        }
        return result
    }

    /// Trains one run in memory: its result (status, metrics, early stopping, test metrics)
    /// and final network; nil when `cancellation` stopped it.
    public static func train<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>, cancellation: Cancellation,
                                 clock: Stopwatch = Stopwatch()) -> (RunResult, Network<T>)? {
        let network: Network<T> = run.initialNetwork(inputs: data.training.features).converted()
        // Each epoch becomes its metrics.csv row as the trainer hands it over: its record,
        // its diagnostics and the clock, read once, here.
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

    /// Writes the run's files (its config.json is already there: `claimRuns` wrote it before
    /// training); returns gnuplot's complaint when the plot failed.
    func writeRun<T: Scalar>(_ result: RunResult, network: Network<T>, classes: [String]?) throws(ResultsError) -> String? {
        let dir = directory.runPath(result.run.id)
        try ResultsDirectory.writeAtomically(MetricsLog.csv(result.rows, activations: result.run.spec.model.layers.map(\.activation)),
                                             to: dir + "/metrics.csv")
        try ResultsDirectory.writeAtomically(ModelFile.json(network, classes: classes).serialized() + "\n", to: dir + "/model.json")
        let losses = result.rows.flatMap { [$0.record.trainLoss] + ($0.record.validationLoss.map { [$0] } ?? []) }
        let seeds = Set(plan.runs.map(\.seed)).count
        let title = "\(plan.name): \(result.run.id) (one of \(seeds) seed\(seeds == 1 ? "" : "s"))"
        let script = GnuplotScript.runLoss(title: title, loss: "loss (\(result.run.spec.loss.rawValue))",
                                           hasValidation: result.hasValidation, logScale: GnuplotScript.wantsLogScale(losses))
        try ResultsDirectory.writeAtomically(script, to: dir + "/loss.gp")
        var scripts = [("loss", script)]
        if result.rows.first?.diagnostics != nil {
            let hasValidation = result.hasValidation, hasAccuracy = result.hasAccuracy
            let first = 4 + (hasValidation ? 1 : 0) + (hasAccuracy ? (hasValidation ? 2 : 1) : 0)  // grad_norm_1, 1-based
            let diagnostics = GnuplotScript.diagnostics(title: title, layers: network.layers.count, firstColumn: first)
            try ResultsDirectory.writeAtomically(diagnostics, to: dir + "/diagnostics.gp")
            scripts.append(("diagnostics", diagnostics))
        }
        for (name, text) in scripts {
            do { try gnuplot?.render(script: text, in: dir) } catch { return "\(dir)/\(name).gp: \(error)" }
        }
        return nil
    }
}
