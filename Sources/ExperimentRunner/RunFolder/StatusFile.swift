import BackpropCore

/// runs/<id>/status.json: written last, after every other file of the run, so that a run
/// folder is complete exactly when it has one. A run killed at any moment (even by SIGKILL)
/// leaves no status file, and the next `backprop run` trains it again from the start.
///
///     {"status": "completed", "message": null, "epochs": 500, "seconds": 1.25,
///      "stopped_epoch": null, "restored_epoch": null, "test_loss": null, "test_accuracy": null,
///      "data_fingerprint": "fnv1a64:0123456789abcdef", "provenance": "…",
///      "parameters": 17, "flops_per_epoch": 4352}
///
/// `data_fingerprint` is the data's the run trained on (`LoadedData.fingerprint`): a run
/// folder whose data changed since is another configuration's, never mixed with new runs.
public struct StatusFile: Equatable, Sendable {
    public var status: RunStatus
    public var message: String?
    public var epochs: Int
    public var seconds: Double
    public var stoppedEpoch: Int?
    public var restoredEpoch: Int?
    public var testLoss: Double?
    public var testAccuracy: Double?
    public var dataFingerprint: String?
    /// The id of the provenance.json session that trained the run.
    public var provenance: String?
    /// The network's size and an epoch's FLOPs (absent in folders written before objectives could name them).
    public var parameters: Int?
    public var flopsPerEpoch: Double?

    public init(_ r: RunResult) {
        status = r.status
        message = r.message
        epochs = r.epochs
        seconds = r.seconds
        stoppedEpoch = r.stoppedEpoch
        restoredEpoch = r.restoredEpoch
        testLoss = r.test?.loss
        testAccuracy = r.test?.accuracy
        dataFingerprint = r.dataFingerprint
        provenance = r.provenance
        parameters = r.parameters
        flopsPerEpoch = r.flopsPerEpoch
    }

    public var json: JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map { $0.isFinite ? .number($0) : .string("\($0)") } ?? .null }
        return .object([
            ("status", .string(status.rawValue)), ("message", message.map(JSONValue.string) ?? .null),
            ("epochs", .number(epochs)), ("seconds", number(seconds)),
            ("stopped_epoch", stoppedEpoch.map(JSONValue.number) ?? .null),
            ("restored_epoch", restoredEpoch.map(JSONValue.number) ?? .null),
            ("test_loss", number(testLoss)), ("test_accuracy", number(testAccuracy)),
            ("data_fingerprint", dataFingerprint.map(JSONValue.string) ?? .null),
            ("provenance", provenance.map(JSONValue.string) ?? .null),
            ("parameters", parameters.map(JSONValue.number) ?? .null), ("flops_per_epoch", number(flopsPerEpoch)),
        ])
    }

    /// nil when the text is not a status file this version wrote (then the run is redone).
    public init?(text: String) {
        guard let v = try? JSONParser.parse(Array(text.utf8)),
              case let .string(s)? = v["status"], let status = RunStatus(rawValue: s), status != .interrupted,
              case let .number(e)? = v["epochs"], let epochs = Int(e) else { return nil }
        func double(_ key: String) -> Double? {
            switch v[key] {
            case let .number(n)?: return Double(n)
            case let .string(s)?: return Double(s)
            default: return nil
            }
        }
        func int(_ key: String) -> Int? { if case let .number(n)? = v[key] { return Int(n) } else { return nil } }
        self.status = status
        if case let .string(m)? = v["message"] { message = m }
        self.epochs = epochs
        seconds = double("seconds") ?? 0
        stoppedEpoch = int("stopped_epoch")
        restoredEpoch = int("restored_epoch")
        testLoss = double("test_loss")
        testAccuracy = double("test_accuracy")
        if case let .string(f)? = v["data_fingerprint"] { dataFingerprint = f }
        if case let .string(p)? = v["provenance"] { provenance = p }
        parameters = int("parameters")
        flopsPerEpoch = double("flops_per_epoch")
    }

    /// The run's result rebuilt from this file and its metrics.
    public func result(for run: PlannedRun, rows: [MetricsRow]) -> RunResult {
        var r = RunResult(run: run, status: status, message: message, rows: rows, seconds: seconds)
        r.stoppedEpoch = stoppedEpoch
        r.restoredEpoch = restoredEpoch.flatMap { $0 < rows.count ? $0 : nil }
        if let testLoss { r.test = Evaluation(loss: testLoss, accuracy: testAccuracy) }
        r.dataFingerprint = dataFingerprint
        r.provenance = provenance
        r.parameters = parameters
        r.flopsPerEpoch = flopsPerEpoch
        return r
    }
}
