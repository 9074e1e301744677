import BackpropCore
import BackpropData
import Foundation

/// `backprop verify results/<name>/runs/<id>`: trains the run again from its config.json and
/// compares every metric, the model and the status with what is on disk, bit for bit
/// (numbers are written at full round-trip precision, so equal text is equal bits). Only
/// the seconds column may differ.
public enum Verification {
    public struct Outcome: Sendable {
        public var identical: Bool
        /// One line per finding.
        public var lines: [String]
        /// When the run was made on another machine or build than this one, which (from the
        /// sweep's provenance.json): every number is compared all the same.
        public var elsewhere: String? = nil
    }

    public static func verify(runDirectory dir: String) throws -> Outcome {
        let folder = RunFolder(path: dir)
        guard FileManager.default.fileExists(atPath: folder.configFile) else {
            throw ResultsError(path: dir, message: "not a run folder: no config.json (expected results/<name>/runs/<id>)")
        }
        guard let statusText = try? readText(folder.statusFile), let status = StatusFile(text: statusText) else {
            throw ResultsError(path: dir, message: "not a complete run: no readable status.json (train it with backprop run first)")
        }
        guard let metricsText = try? readText(folder.metricsFile) else {
            throw ResultsError(path: folder.metricsFile, message: "missing or unreadable")
        }
        let plan = try SweepPlan.load(file: folder.configFile)
        guard plan.runs.count == 1, let run = plan.runs.first else {
            throw SpecError(file: folder.configFile, path: "", message: "expands to \(plan.runs.count) runs; a run's config.json has one")
        }
        let data = try plan.buildData()[run.index]!
        // A run its sweep's scheduler stopped is trained to the same epoch (config.json is a
        // plain run: the scheduler is the sweep's), where it stops, as the sweep stopped it.
        let stoppedAt = status.status == .stopped ? status.epochs : nil
        var again = data.splits.train(run, cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: stoppedAt)!
        if stoppedAt != nil, again.result.status == .paused {
            again.result.status = .stopped
            again.result.message = status.message
        }
        again.result.record(data)
        var lines = [String]()
        // Metrics: every line as written, byte for byte but the last field (seconds): numbers
        // are written at full precision, so equal text is equal bits, and a changed header or
        // line end (CRLF) is a difference too.
        func field(_ fields: [String], _ i: Int) -> String? { fields.indices.contains(i) ? fields[i] : nil }
        func withoutSeconds(_ csv: String) -> [[String]] {
            csv.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if fields.count > 1 { fields.removeLast() }
                return fields
            }
        }
        let disk = withoutSeconds(metricsText), now = withoutSeconds(MetricsLog.csv(again.result.rows, activations: run.spec.model.layers.map(\.activation)))
        if metricsText.contains("\r") {
            lines.append("metrics.csv differs: its lines end in CRLF on disk, in LF as backprop writes them")
        } else if disk != now {
            let header = now.first ?? []
            if let r = (0..<min(disk.count, now.count)).first(where: { disk[$0] != now[$0] }) {
                let c = (0..<min(disk[r].count, now[r].count)).first { disk[r][$0] != now[r][$0] } ?? 0
                let place = r == 0 ? "in its header" : "at epoch \(now[r].first ?? "?"), \(field(header, c) ?? "?")"
                func shown(_ s: String?) -> String { (s ?? "?").replacingOccurrences(of: "\r", with: "\\r") }
                lines.append("metrics.csv differs \(place): \(shown(field(disk[r], c))) on disk, \(shown(field(now[r], c))) now")
            } else {
                lines.append("metrics.csv has \(disk.count - 2) rows on disk, \(now.count - 2) now")
            }
        }
        let model = (try? readFile(folder.modelFile)) ?? []
        var sameModel = model == again.model
        // A model.json from before it named its features and normalisation is compared without them.
        if !sameModel, let disk = try? JSONParser.parse(model), disk["features"] == nil,
           case let .object(members)? = try? JSONParser.parse(again.model) {
            let older = JSONValue.object(members.filter { $0.key != "features" && $0.key != "normalization" })
            sameModel = model == Array((older.serialized() + "\n").utf8)
        }
        if !sameModel { lines.append("model.json differs") }
        var mine = StatusFile(again.result), theirs = status
        mine.seconds = 0
        theirs.seconds = 0
        mine.provenance = theirs.provenance
        // A status.json from before it counted the network's size is compared without it.
        if theirs.parameters == nil && theirs.flopsPerEpoch == nil { (mine.parameters, mine.flopsPerEpoch) = (nil, nil) }
        if mine != theirs { lines.append("status.json differs: \(statusText.split(separator: "\n").joined()) on disk") }
        if lines.isEmpty {
            let columns = (disk.first ?? []).dropFirst().joined(separator: ", ")
            lines.append("identical, bit for bit: \(disk.count - 2) epochs of \(columns), model.json and status (\(status.status.rawValue))")
        }
        var elsewhere: String?
        let sessions = Provenance.sessions(in: URL(fileURLWithPath: dir).deletingLastPathComponent().deletingLastPathComponent().path + "/provenance.json")
        if let id = status.provenance, let made = sessions.first(where: { $0.id == id }) {
            let here = Provenance.current(precisions: [])
            let differences = zip(made.machineAndBuild, here.machineAndBuild).filter { $0.0.1 != $0.1.1 }
            if !differences.isEmpty {
                elsewhere = "made elsewhere: " + differences.map { "\($0.0.0) \($0.0.1) there, \($0.1.1) here" }.joined(separator: "; ")
            }
        }
        return Outcome(identical: lines.count == 1 && lines[0].hasPrefix("identical"), lines: lines, elsewhere: elsewhere)
    }
}
