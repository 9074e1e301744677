import BackpropCore

/// The spec's `training`: epochs, batch size, precision, early stopping, diagnostics,
/// checkpoints and gradient clipping.
public struct TrainingSpec: Sendable, Equatable {
    public enum Precision: String, CaseIterable, Sendable {
        case float64, float32
    }
    public var epochs: Int
    /// nil: full batch.
    public var batchSize: Int?
    public var precision: Precision
    public var earlyStopping: EarlyStopping?
    /// Gradient norms, weight norms and dead ReLU fractions in metrics.csv.
    public var diagnostics: Bool
    /// `training.checkpoint`: when a run saves its state mid-run.
    public var checkpoint = CheckpointPolicy()
    /// `training.clip_grad_norm`: each step's gradient clipped to this 2-norm (nil: never).
    public var clipGradNorm: Double? = nil

    public static let keys = ["epochs", "batch_size", "precision", "early_stopping", "diagnostics", "checkpoint", "clip_grad_norm"]
}

extension TrainingSpec {
    init(_ reader: JSONReader) throws(SpecError) {
        let tr = try reader.object(allowed: Self.keys)
        let epochsReader = try tr.required("epochs")
        epochs = try epochsReader.int()
        guard (0...1_000_000).contains(epochs) else { throw epochsReader.error("epochs must be from 0 to 1000000 (every epoch is a row of metrics.csv)") }
        batchSize = try tr["batch_size"]?.int()
        if let b = batchSize, b < 1 { throw tr["batch_size"]!.error("the batch size must be at least 1") }
        precision = try tr["precision"]?.choice(Precision.self, what: "precision") ?? .float64
        diagnostics = try tr["diagnostics"]?.bool() ?? false
        if let r = tr["clip_grad_norm"] {
            let c = try r.double()
            guard c > 0, c.isFinite else { throw r.error("clip_grad_norm must be a positive number (the largest 2-norm a step's gradient keeps)") }
            clipGradNorm = c
        }
        if let r = tr["early_stopping"] {
            let o = try r.object(allowed: ["patience", "min_delta"])
            let patience = try o.required("patience")
            guard try patience.int() >= 1 else { throw patience.error("patience must be at least 1 epoch") }
            let minDelta = try o["min_delta"]?.double() ?? 0
            if minDelta < 0 { throw o["min_delta"]!.error("min_delta must be 0 or more") }
            earlyStopping = EarlyStopping(patience: try patience.int(), minDelta: minDelta)
        }
        if let c = tr["checkpoint"] {
            let o = try c.object(allowed: ["every_epochs", "every_seconds"])
            checkpoint = CheckpointPolicy(everyEpochs: nil, everySeconds: nil)
            if let e = o["every_epochs"] {
                checkpoint.everyEpochs = try e.int()
                guard checkpoint.everyEpochs! >= 1 else { throw e.error("every_epochs must be at least 1") }
            }
            if let t = o["every_seconds"] {
                checkpoint.everySeconds = try t.double()
                guard checkpoint.everySeconds! > 0, checkpoint.everySeconds!.isFinite else { throw t.error("every_seconds must be above 0") }
            }
        }
    }
}
