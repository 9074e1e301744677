import BackpropCore
import Foundation

/// Runs a plan: every run trains on a dedicated thread, at most `jobs` at once, inside a
/// task group; each writes its own folder; then the summaries and plots are written.
public struct Sweep: Sendable {
    public var plan: SweepPlan
    public var jobs: Int
    public var resultsRoot: String
    /// nil: plots are skipped (the CSVs and .gp scripts are still written).
    public var gnuplot: Gnuplot?

    public init(plan: SweepPlan, jobs: Int, resultsRoot: String = "results", gnuplot: Gnuplot? = Gnuplot.find()) {
        self.plan = plan
        self.jobs = max(jobs, 1)
        self.resultsRoot = resultsRoot
        self.gnuplot = gnuplot
    }

    public var directory: ResultsDirectory { ResultsDirectory(root: resultsRoot, name: plan.name) }

    /// The datasets, built once per sweep: one per distinct (dataset spec, output width, loss,
    /// precision), shared read-only by every run. Also checks every run's shapes, so that
    /// nothing trains unless every configuration fits its data.
    public func buildData() throws -> [Int: LoadedData] {
        struct Key: Equatable {
            var dataset: DatasetSpec, outputs: Int, loss: Loss, precision: TrainingSpec.Precision
        }
        var built: [(key: Key, data: LoadedData)] = []
        var byRun = [Int: LoadedData]()
        for run in plan.runs {
            let key = Key(dataset: run.spec.dataset, outputs: run.spec.model.layers.last!.units, loss: run.spec.loss,
                          precision: run.spec.training.precision)
            let data: LoadedData
            if let hit = built.first(where: { $0.key == key }) {
                data = hit.data
            } else {
                switch key.precision {
                case .float64: data = .float64(try key.dataset.build(as: Double.self, outputs: key.outputs, loss: key.loss, file: plan.file))
                case .float32: data = .float32(try key.dataset.build(as: Float.self, outputs: key.outputs, loss: key.loss, file: plan.file))
                }
                built.append((key, data))
            }
            try run.spec.checkShapes(features: data.features, outputs: key.outputs, file: plan.file)
            byRun[run.index] = data
        }
        return byRun
    }

    /// Trains every run and writes every file. Returns the results in plan order.
    public func run(progress: Progress) async throws -> [RunResult] {
        let data = try buildData()
        BLAS.useSingleThread()
        try ResultsDirectory.writeAtomically(plan.specJSON.serialized() + "\n", to: directory.path + "/spec.json")
        let runs = plan.runs
        var results = [RunResult]()
        try await withThrowingTaskGroup(of: RunResult.self) { group in
            var next = 0
            func launch() {
                let run = runs[next], d = data[run.index]!
                next += 1
                group.addTask { await onDedicatedThread { self.execute(run, data: d) } }
            }
            while next < min(jobs, runs.count) { launch() }
            while let result = try await group.next() {
                results.append(result)
                progress.finished(result)
                if next < runs.count { launch() }
            }
        }
        results.sort { $0.run.index < $1.run.index }
        try writeSummaries(results, progress: progress)
        return results
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
        let network: Network<T> = run.initialNetwork(inputs: data.training.features).converted()
        // Only the clock is read per epoch; the trainer keeps the records.
        var seconds = [Double]()
        seconds.reserveCapacity(run.spec.training.epochs + 1)
        let outcome = Trainer<T>(configuration: run.trainingConfiguration).train(network, on: data.training, validation: data.validation) { _ in
            seconds.append(clock.seconds)
            return true
        }
        let rows = zip(outcome.records, seconds).map { MetricsRow(record: $0, seconds: $1) }
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
        do {
            result.plotWarning = try writeRun(result, network: outcome.network)
        } catch {
            result.status = .failed
            result.message = "cannot write results: \(error.localizedDescription)"
        }
        result.seconds = clock.seconds
        return result
    }

    /// Writes the run's files; returns gnuplot's complaint when the plot failed.
    func writeRun<T: Scalar>(_ result: RunResult, network: Network<T>) throws -> String? {
        let dir = directory.runPath(result.run.id)
        try ResultsDirectory.writeAtomically(result.run.config.serialized() + "\n", to: dir + "/config.json")
        try ResultsDirectory.writeAtomically(MetricsLog.csv(result.rows), to: dir + "/metrics.csv")
        try ResultsDirectory.writeAtomically(ModelFile.json(network).serialized() + "\n", to: dir + "/model.json")
        let losses = result.rows.flatMap { [$0.record.trainLoss] + ($0.record.validationLoss.map { [$0] } ?? []) }
        let script = GnuplotScript.runLoss(title: "\(plan.name): \(result.run.id)", loss: "loss (\(result.run.spec.loss.rawValue))",
                                           hasValidation: result.hasValidation, logScale: GnuplotScript.wantsLogScale(losses))
        try ResultsDirectory.writeAtomically(script, to: dir + "/loss.gp")
        do { try gnuplot?.render(script: script, in: dir) } catch { return "\(dir)/loss.gp: \(error)" }
        return nil
    }

    /// summary.csv, summary.md, curves.csv and the sweep's loss plot. A plot gnuplot cannot
    /// draw is a warning, reported through `progress`, never a lost result.
    public func writeSummaries(_ results: [RunResult], progress: Progress) throws {
        let dir = directory.path
        try ResultsDirectory.writeAtomically(Summary.csv(results, axes: plan.axes), to: dir + "/summary.csv")
        try ResultsDirectory.writeAtomically(Summary.markdown(results, plan: plan), to: dir + "/summary.md")
        let ranked = Summary.ranked(results)
        let hasValidation = results.contains { $0.hasValidation }
        let table = Curves.table(results, configurations: ranked, hasValidation: hasValidation)
        try ResultsDirectory.writeAtomically(table.csv, to: dir + "/curves.csv")
        let shown = min(ranked.count, GnuplotScript.maximumCurves)
        let seeds = Set(plan.runs.map(\.seed)).count
        var title = "\(plan.name): loss, mean over \(seeds) seed\(seeds == 1 ? "" : "s")"
        if !plan.axes.isEmpty { title += "; swept: " + plan.axes.map(\.label).joined(separator: ", ") }
        let script = GnuplotScript.sweepLoss(
            title: title, loss: "loss (\(plan.runs.first?.spec.loss.rawValue ?? ""))",
            curves: (0..<shown).map { (ranked[$0].configurationID, table.columns[$0]) },
            hasValidation: hasValidation, logScale: GnuplotScript.wantsLogScale(table.allValues), omitted: ranked.count - shown)
        try ResultsDirectory.writeAtomically(script, to: dir + "/loss.gp")
        do { try gnuplot?.render(script: script, in: dir) } catch { progress.warn("\(dir)/loss.gp: \(error)") }
        if let first = results.first(where: { $0.plotWarning != nil }) {
            let more = results.filter { $0.plotWarning != nil }.count - 1
            progress.warn(first.plotWarning! + (more > 0 ? " (and \(more) more run plots)" : ""))
        }
    }
}

/// Runs CPU-bound work on a thread of its own and awaits it, so that training never blocks
/// the cooperative pool that schedules tasks, timers and progress.
func onDedicatedThread<R: Sendable>(_ body: @escaping @Sendable () -> R) async -> R {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
