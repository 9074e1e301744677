import BackpropCore
import Foundation

/// A sweep's results folder, results/<name>/, read and written for its plan: spec.json, each
/// run's folder, and what is already on disk, so that running a spec again trains only
/// what is missing and never mixes results of different configurations.
public struct SweepFolder: Sendable {
    public let plan: SweepPlan
    public let directory: ResultsDirectory

    public init(plan: SweepPlan, directory: ResultsDirectory) {
        self.plan = plan
        self.directory = directory
    }

    public var path: String { directory.path }

    public func run(_ run: PlannedRun) -> RunFolder { RunFolder(path: directory.runPath(run.id)) }

    /// The run's config.json text, its CSV path relative to the run's own folder, so that
    /// `backprop run runs/<id>/config.json` and `backprop verify` find the data from there.
    func configText(_ run: PlannedRun) -> String {
        expectedConfig(run).serialized() + "\n"
    }

    func expectedConfig(_ run: PlannedRun) -> JSONValue {
        relocatingCSV(run.config, to: directory.runPath(run.id))
    }

    /// spec.json: the spec as given (after --set), its CSV path relative to the results
    /// folder, so that `summarize` can load it from there.
    public var specText: String {
        relocatingCSV(plan.specJSON, to: directory.path).serialized() + "\n"
    }

    /// `json` with a relative `dataset.csv` (relative to the spec file, as `DatasetSpec`
    /// reads it) rewritten relative to `folder`, wherever the results folder is.
    func relocatingCSV(_ json: JSONValue, to folder: String) -> JSONValue {
        guard case .string(let given)? = json["dataset"]?["csv"], !given.hasPrefix("/") else { return json }
        let resolved = URL(fileURLWithPath: plan.file).deletingLastPathComponent().appendingPathComponent(given).path
        let relative = relativePath(from: absolutePath(folder), to: absolutePath(resolved))
        return (try? json.setting([.key("dataset"), .key("csv")], to: .string(relative))) ?? json
    }

    /// What is on disk for `run`. `fingerprint` is the data's (`LoadedData.fingerprint`); nil
    /// skips that check (summarize without the data).
    /// `claimed`: the config.json bytes this process wrote for the run, if it claimed it.
    func state(of run: PlannedRun, fingerprint: String?, claimed: [UInt8]? = nil) -> RunState {
        self.run(run).state(of: run, expecting: expectedConfig(run), fingerprint: fingerprint, claimed: claimed)
    }

    /// The runs complete on disk (`completeOnDisk`), in plan order: what the reports read.
    func completeResults(data: [Int: LoadedData]?) -> [RunResult] {
        completeOnDisk(data: data).values.sorted { $0.run.index < $1.run.index }
    }

    /// Every run of the plan that is complete on disk now, whichever process wrote it.
    /// `known`: runs this process completed and wrote (under their locks), taken as they
    /// are instead of being read back.
    /// `only`: these runs of the plan, not all of them.
    func completeOnDisk(data: [Int: LoadedData]?, known: [Int: RunResult] = [:], only: [PlannedRun]? = nil) -> [Int: RunResult] {
        var out = [Int: RunResult]()
        for run in only ?? plan.runs {
            if let r = known[run.index] {
                out[run.index] = r
            } else if case let .complete(r) = state(of: run, fingerprint: data?[run.index]?.fingerprint) {
                out[run.index] = r
            }
        }
        return out
    }

    /// Under the sweep's lock, so that two processes on one folder see each other: the runs
    /// of `assigned` already complete (skipped, unless `force`), after checking that no run
    /// folder holds another configuration or other data; then every run left to train is
    /// claimed by writing its config.json, so that a process with another configuration that
    /// comes later refuses before it trains anything, as a sequential one does. Returns the
    /// complete runs and the config.json text of each run claimed.
    func claimRuns(_ assigned: [PlannedRun], data: [Int: LoadedData], force: Bool) throws(ResultsError)
        -> (complete: [Int: RunResult], claimed: [Int: [UInt8]]) {
        let lock = try FileLock.acquire(directory.path + "/.summary.lock", wait: true)
        defer { _ = lock }
        var complete = [Int: RunResult](), conflicts = [(file: String, reason: String)]()
        // --force trains every run again whatever its folder holds: nothing to read.
        for run in assigned where !force {
            switch state(of: run, fingerprint: data[run.index]?.fingerprint) {
            case .missing: break
            case let .complete(r): complete[run.index] = r
            case let .conflicting(file, reason): conflicts.append((file, reason))
            }
        }
        if let first = conflicts.first {
            throw ResultsError(path: first.file, message: first.reason
                + (conflicts.count > 1 ? " (and \(conflicts.count - 1) more runs)" : "")
                + "; results are never mixed: write this variant elsewhere with --name NAME (or --set name=NAME, or another --results folder), or pass --force to train again and replace them")
        }
        var claimed = [Int: [UInt8]]()
        for run in assigned where complete[run.index] == nil {
            let text = Array(configText(run).utf8)
            try ResultsDirectory.writeNew(bytes: text, to: self.run(run).configFile)
            claimed[run.index] = text
        }
        return (complete, claimed)
    }
}
