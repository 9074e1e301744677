import BackpropCore

/// How a run ended.
public enum RunStatus: String, Sendable {
    case completed
    /// A loss or parameter became NaN or infinite; the epoch is in `stoppedEpoch`.
    case diverged
    /// The run threw (bad data, an I/O error); the message says why.
    case failed
    /// Interrupted before it finished: nothing of it counts, and no status file is written.
    case interrupted
    /// Being trained by another process (its lock is held); not counted here.
    case busy
    /// Stopped by the sweep's scheduler at a rung (successive halving, Hyperband, median
    /// stopping): a result, not a failure, with its metrics up to that rung.
    case stopped
    /// Trained up to a rung and saved in its checkpoint, waiting for the rung's decision;
    /// never written to status.json.
    case paused
}

/// One epoch's metrics with the wall time since the run started.
public struct MetricsRow: Sendable, Equatable {
    public var record: EpochRecord
    public var seconds: Double
    /// With diagnostics on (written to metrics.csv, not read back).
    public var diagnostics: Diagnostics? = nil

    public init(record: EpochRecord, seconds: Double, diagnostics: Diagnostics? = nil) {
        self.record = record
        self.seconds = seconds
        self.diagnostics = diagnostics
    }
}

/// What a finished run reports to summaries and plots.
public struct RunResult: Sendable {
    public init(run: PlannedRun, status: RunStatus, message: String?, rows: [MetricsRow], seconds: Double) {
        self.run = run
        self.status = status
        self.message = message
        self.rows = rows
        self.seconds = seconds
    }

    public var run: PlannedRun
    public var status: RunStatus
    public var message: String?
    public var rows: [MetricsRow]
    public var seconds: Double
    /// Why the run's plot could not be drawn, when gnuplot failed; the CSVs are unaffected.
    public var plotWarning: String? = nil
    /// Early stopping: the epoch training stopped after, and the epoch whose parameters it kept.
    public var stoppedEpoch: Int? = nil
    public var restoredEpoch: Int? = nil
    /// The kept network on the dataset's own test set, when it has one.
    public var test: Evaluation? = nil
    /// The fingerprint of the data it trained on (`LoadedData.fingerprint`).
    public var dataFingerprint: String? = nil
    /// The results folder could not be written (or another process claimed the run): the
    /// sweep stops, and `run` exits 2 with this line.
    public var writeError: ResultsError? = nil
    /// The provenance.json session that trained it.
    public var provenance: String? = nil
    /// The network's size and an epoch's FLOPs on its data (`LoadedData.parameters`,
    /// `flopsPerEpoch`): the `parameters` and `flops` objectives.
    public var parameters: Int? = nil
    public var flopsPerEpoch: Double? = nil
    /// A paused run's model.json (at its last epoch), kept for when the scheduler stops it there.
    public var pausedModel: [UInt8]? = nil

    /// The record of the network the run kept: the restored epoch's after early stopping,
    /// else the last.
    public var kept: EpochRecord? { restoredEpoch.map { rows[$0].record } ?? rows.last?.record }
    public var final: EpochRecord? { rows.last?.record }
    public var epochs: Int { final?.epoch ?? 0 }
    /// The objective of the kept network (see `Objective`): what ranks runs.
    public var finalRankingLoss: Double? { kept.flatMap { run.objective.value($0) } }
    public var best: (loss: Double, epoch: Int)? {
        rows.compactMap { r in r.record.validationLoss.map { ($0, r.record.epoch) } }
            .filter { $0.0.isFinite }
            .min { $0.0 < $1.0 }
    }
    public var hasValidation: Bool { rows.first?.record.validationLoss != nil }
    public var hasAccuracy: Bool { rows.first?.record.trainAccuracy != nil }
}
