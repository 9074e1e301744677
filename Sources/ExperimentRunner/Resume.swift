import BackpropCore
import Foundation

/// What is already on disk for a planned run, so that running a spec again trains only
/// what is missing, and never mixes results of different configurations.
enum RunState {
    /// Nothing usable: train it (again) from the start.
    case missing
    /// status.json says completed or diverged, and metrics.csv reads back.
    case complete(RunResult)
    /// The folder holds another configuration's run (config.json compared as a value), or
    /// one trained on other data (status.json's data fingerprint): `reason` says which.
    case conflicting(configFile: String, reason: String)
}

extension Sweep {
    /// The run's config.json text, its CSV path relative to the run's own folder, so that
    /// `backprop run runs/<id>/config.json` and `backprop verify` find the data from there.
    func configText(_ run: PlannedRun) -> String {
        relocatingCSV(run.config, to: directory.runPath(run.id)).serialized() + "\n"
    }

    /// spec.json: the spec as given (after --set), its CSV path relative to the results
    /// folder, so that `summarize` can load it from there.
    var specText: String {
        relocatingCSV(plan.specJSON, to: directory.path).serialized() + "\n"
    }

    /// `json` with a relative `dataset.csv` (relative to the spec file, as `DatasetSpec`
    /// reads it) rewritten relative to `folder`, wherever the results folder is.
    func relocatingCSV(_ json: JSONValue, to folder: String) -> JSONValue {
        guard case .string(let given)? = json["dataset"]?["csv"], !given.hasPrefix("/") else { return json }
        let resolved = URL(fileURLWithPath: plan.file).deletingLastPathComponent().appendingPathComponent(given).path
        let relative = relativePath(from: absolute(folder), to: absolute(resolved))
        return (try? json.setting([.key("dataset"), .key("csv")], to: .string(relative))) ?? json
    }

    /// What is on disk for `run`. `fingerprint` is the data's (`LoadedData.fingerprint`); nil
    /// skips that check (summarize without the data).
    func state(of run: PlannedRun, fingerprint: String?) -> RunState {
        let dir = directory.runPath(run.id)
        guard let text = try? readFile(dir + "/config.json") else { return .missing }
        guard let config = try? JSONParser.parse(text), config.sameValue(as: relocatingCSV(run.config, to: dir)) else {
            return .conflicting(configFile: dir + "/config.json", reason: "holds a different configuration than this spec's run")
        }
        guard let statusText = try? String(contentsOfFile: dir + "/status.json", encoding: .utf8), let status = StatusFile(text: statusText),
              status.status == .completed || status.status == .diverged else { return .missing }
        if let fingerprint, let theirs = status.dataFingerprint, theirs != fingerprint {
            return .conflicting(configFile: dir + "/status.json", reason: "was trained on other data (the dataset changed since: fingerprint \(theirs), now \(fingerprint))")
        }
        guard status.dataFingerprint != nil, FileManager.default.fileExists(atPath: dir + "/model.json"),
              let metrics = try? String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8),
              let rows = MetricsLog.parse(metrics), rows.last?.record.epoch == status.epochs else { return .missing }
        return .complete(status.result(for: run, rows: rows))
    }

    /// Every run of the plan that is complete on disk now, whichever process wrote it.
    func completeOnDisk(data: [Int: LoadedData]?) -> [Int: RunResult] {
        var out = [Int: RunResult]()
        for run in plan.runs {
            if case let .complete(r) = state(of: run, fingerprint: data?[run.index]?.fingerprint) { out[run.index] = r }
        }
        return out
    }

    /// Under the sweep's lock, so that two processes on one folder see each other: the runs
    /// already complete (skipped), after checking that no run folder holds another
    /// configuration or other data; then every run left to train is claimed by writing its
    /// config.json, so that a process with another configuration that comes later refuses
    /// before it trains anything, as a sequential one does.
    public func claimRuns(data: [Int: LoadedData]) throws -> [Int: RunResult] {
        let lock = try FileLock.acquire(directory.path + "/.summary.lock", wait: true)
        defer { _ = lock }
        var complete = [Int: RunResult](), conflicts = [(file: String, reason: String)]()
        for run in assignedRuns {
            switch state(of: run, fingerprint: data[run.index]?.fingerprint) {
            case .missing: break
            case let .complete(r): if !force { complete[run.index] = r }
            case let .conflicting(file, reason): if !force { conflicts.append((file, reason)) }
            }
        }
        if let first = conflicts.first {
            throw ResultsError(path: first.file, message: first.reason
                + (conflicts.count > 1 ? " (and \(conflicts.count - 1) more runs)" : "")
                + "; results are never mixed: write this variant elsewhere with --name NAME (or --set name=NAME, or another --results folder), or pass --force to train again and replace them")
        }
        for run in assignedRuns where complete[run.index] == nil {
            try ResultsDirectory.writeAtomically(configText(run), to: directory.runPath(run.id) + "/config.json")
        }
        return complete
    }
}

private func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}

/// The path of `file` relative to the folder `dir` (both absolute).
func relativePath(from dir: String, to file: String) -> String {
    let a = dir.split(separator: "/"), b = file.split(separator: "/")
    var common = 0
    while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
    return (Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)).joined(separator: "/")
}
