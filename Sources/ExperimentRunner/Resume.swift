import Foundation

/// What is already on disk for a planned run, so that running a spec again trains only
/// what is missing, and never mixes results of different configurations.
enum RunState {
    /// Nothing usable: train it (again) from the start.
    case missing
    /// status.json says completed or diverged, and metrics.csv reads back.
    case complete(RunResult)
    /// config.json on disk is another configuration's.
    case conflicting(configFile: String)
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

    func state(of run: PlannedRun) -> RunState {
        let dir = directory.runPath(run.id)
        guard let config = try? String(contentsOfFile: dir + "/config.json", encoding: .utf8) else { return .missing }
        guard config == configText(run) else { return .conflicting(configFile: dir + "/config.json") }
        guard let text = try? String(contentsOfFile: dir + "/status.json", encoding: .utf8), let status = StatusFile(text: text),
              status.status == .completed || status.status == .diverged,
              let metrics = try? String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8),
              let rows = MetricsLog.parse(metrics), rows.last?.record.epoch == status.epochs else { return .missing }
        return .complete(status.result(for: run, rows: rows))
    }

    /// Every run of the plan that is complete on disk now, whichever process wrote it.
    func completeOnDisk() -> [Int: RunResult] {
        var out = [Int: RunResult]()
        for run in plan.runs { if case let .complete(r) = state(of: run) { out[run.index] = r } }
        return out
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
