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
            result.message = "cannot lock \(dir): \(error)"
            return result
        }
        guard let lock else { return result }
        defer { _ = lock }
        // Another process may have finished it while this one waited to start it.
        if !force, case let .complete(done) = state(of: run) {
            var r = done
            r.status = .busy
            return r
        }
        // The old status goes first: from here until the new one is written, the folder is
        // incomplete, whatever happens to this process.
        try? FileManager.default.removeItem(atPath: dir + "/status.json")
        return execute(run, data: data)
    }

    /// One run, start to finish, on the calling thread, in its data's precision.
    func execute(_ run: PlannedRun, data: LoadedData) -> RunResult {
        switch data {
        case let .float64(d): return execute(run, d)
        case let .float32(d): return execute(run, d)
        }
    }

    func execute<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>) -> RunResult {
        let clock = Stopwatch()
        guard let (trained, network) = Self.train(run, data, cancellation: cancellation, clock: clock) else {
            // Abandoned: nothing of it is written, and it has no status file.
            return RunResult(run: run, status: .interrupted, message: nil, rows: [], seconds: 0)
        }
        var result = trained
        do {
            result.plotWarning = try writeRun(result, network: network)
        } catch {
            result.status = .failed
            result.message = "cannot write results: \(error.localizedDescription)"
        }
        result.seconds = clock.seconds
        do {
            try ResultsDirectory.writeAtomically(StatusFile(result).json.serialized() + "\n", to: directory.runPath(run.id) + "/status.json")
        } catch where result.status != .failed {
            result.status = .failed
            result.message = "cannot write status.json: \(error.localizedDescription)"
        } catch {}
        return result
    }

    /// Trains one run in memory: its result (status, metrics, early stopping, test metrics)
    /// and final network; nil when `cancellation` stopped it.
    public static func train<T: Scalar>(_ run: PlannedRun, _ data: DataSplits<T>, cancellation: Cancellation,
                                 clock: Stopwatch = Stopwatch()) -> (RunResult, Network<T>)? {
        let network: Network<T> = run.initialNetwork(inputs: data.training.features).converted()
        // Only the clock is read per epoch; the trainer keeps the records.
        var seconds = [Double]()
        seconds.reserveCapacity(run.spec.training.epochs + 1)
        let outcome = Trainer<T>(configuration: run.trainingConfiguration).train(network, on: data.training, validation: data.validation) { _ in
            seconds.append(clock.seconds)
            return !cancellation.isCancelled
        }
        if case .stopped = outcome.outcome { return nil }
        let rows = zip(outcome.records, seconds).enumerated().map { i, row in
            MetricsRow(record: row.0, seconds: row.1, diagnostics: outcome.diagnostics?[i])
        }
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
            let workspace = Workspace<T>(network: outcome.network, capacity: min(test.count, 1024))
            result.test = outcome.network.evaluate(test, loss: run.spec.loss, workspace: workspace)
        }
        result.seconds = clock.seconds
        return (result, outcome.network)
    }

    /// Writes the run's files; returns gnuplot's complaint when the plot failed.
    func writeRun<T: Scalar>(_ result: RunResult, network: Network<T>) throws -> String? {
        let dir = directory.runPath(result.run.id)
        try ResultsDirectory.writeAtomically(configText(result.run), to: dir + "/config.json")
        try ResultsDirectory.writeAtomically(MetricsLog.csv(result.rows, activations: result.run.spec.model.layers.map(\.activation)),
                                             to: dir + "/metrics.csv")
        try ResultsDirectory.writeAtomically(ModelFile.json(network).serialized() + "\n", to: dir + "/model.json")
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
