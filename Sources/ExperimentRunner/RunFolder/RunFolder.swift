import BackpropCore
import Foundation

/// What is already on disk for a planned run.
enum RunState {
    /// Nothing usable: train it (again) from the start.
    case missing
    /// status.json says completed or diverged, and metrics.csv reads back.
    case complete(RunResult)
    /// The folder holds another configuration's run (config.json compared as a value), or
    /// one trained on other data (status.json's data fingerprint): `reason` says which.
    case conflicting(configFile: String, reason: String)
}

/// One run's folder, results/<name>/runs/<id>/: its files, its lock and what it holds.
///
/// config.json is written when the sweep claims the run, before training; metrics.csv,
/// model.json and the plot scripts after it; status.json last, so that the folder is
/// complete exactly when it has one (README, "Output").
public struct RunFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var configFile: String { path + "/config.json" }
    public var statusFile: String { path + "/status.json" }
    public var metricsFile: String { path + "/metrics.csv" }
    public var modelFile: String { path + "/model.json" }
    public var checkpointFile: String { path + "/checkpoint.bin" }

    /// The run's lock: nil when another process holds it.
    func lock() throws(ResultsError) -> FileLock? {
        try FileLock.acquire(path + "/.lock", wait: false)
    }

    /// From here until a new status is written, the folder is incomplete, whatever happens
    /// to this process.
    func removeStatus() {
        unlink(statusFile)
    }

    /// A complete run needs no checkpoint.
    func removeCheckpoint() {
        unlink(checkpointFile)
    }

    /// What the folder holds for `run`, whose config.json must equal `config` as a value
    /// (never as text: a change of serializer must not make every old run a conflict).
    /// `fingerprint` is the data's; nil skips that check (summarize without the data).
    /// `claimed`: the bytes this process wrote to config.json when it claimed the run; a file
    /// with exactly those bytes holds `config`, without parsing it.
    func state(of run: PlannedRun, expecting config: JSONValue, fingerprint: String?, claimed: [UInt8]? = nil) -> RunState {
        guard let text = try? readFile(configFile) else { return .missing }
        if text != claimed {
            guard let onDisk = try? JSONParser.parse(text) else {
                // Cut short by a power cut while the run was being claimed (its status.json comes
                // much later): nothing of it is kept, and the claim is made again.
                if !FileManager.default.fileExists(atPath: statusFile) { return .missing }
                return .conflicting(configFile: configFile, reason: "is damaged (not JSON) beside a status.json")
            }
            guard onDisk.sameValue(as: config) else {
                return .conflicting(configFile: configFile, reason: "holds a different configuration than this spec's run")
            }
        }
        guard let statusText = try? readText(statusFile), let status = StatusFile(text: statusText),
              [.completed, .diverged, .stopped].contains(status.status) else { return .missing }
        if let fingerprint, let theirs = status.dataFingerprint, theirs != fingerprint {
            return .conflicting(configFile: statusFile, reason: "was trained on other data (the dataset changed since: fingerprint \(theirs), now \(fingerprint))")
        }
        guard status.dataFingerprint != nil, FileManager.default.fileExists(atPath: modelFile),
              let metrics = try? readText(metricsFile),
              let rows = MetricsLog.parse(metrics), rows.last?.record.epoch == status.epochs else { return .missing }
        return .complete(status.result(for: run, rows: rows))
    }

    /// metrics.csv and model.json, written without reading what is there first: a run that
    /// just trained has new files (its seconds differ, at least). `inPlace`: the folder has no
    /// status.json and gets one after a flush (a finished run), so the files are written
    /// directly (`ResultsDirectory.writeInPlace`); else each is renamed into place.
    func writeResults(_ result: RunResult, model: [UInt8], inPlace: Bool = false) throws(ResultsError) {
        try write(Array(MetricsLog.csv(result.rows, activations: result.run.spec.model.layers.map(\.activation)).utf8), to: metricsFile, inPlace: inPlace)
        try write(model, to: modelFile, inPlace: inPlace)
    }

    /// A file of the run, in place or renamed into place (see `writeResults`); renamed, it is
    /// left alone when it holds the same bytes already and `unlessUnchanged`.
    func write(_ bytes: [UInt8], to file: String, inPlace: Bool, unlessUnchanged: Bool = false) throws(ResultsError) {
        if inPlace {
            try ResultsDirectory.writeInPlace(bytes: bytes, to: file)
        } else {
            try ResultsDirectory.writeAtomically(bytes: bytes, to: file, unlessUnchanged: unlessUnchanged)
        }
    }

    /// status.json: the last file of a run. `inPlace` as for `writeResults`: a status.json cut
    /// short is not a status file (`StatusFile(text:)`), so its run counts as incomplete.
    func writeStatus(_ result: RunResult, inPlace: Bool = false) throws(ResultsError) {
        try write(Array((StatusFile(result).json.serialized() + "\n").utf8), to: statusFile, inPlace: inPlace)
    }
}
