import BackpropCore

/// The spec's `objective`: what ranks configurations and decides a scheduler's promotions,
/// `{"metric": "val_accuracy", "mode": "max"}`. Test metrics never choose anything.
/// Without it: the validation loss when there is a validation set, else the training
/// loss, lower is better (the rule before objectives existed).
public struct Objective: Sendable, Equatable {
    public enum Metric: String, CaseIterable, Sendable {
        case valLoss = "val_loss", valAccuracy = "val_accuracy", trainLoss = "train_loss", trainAccuracy = "train_accuracy"
    }
    public enum Mode: String, CaseIterable, Sendable { case min, max }

    /// nil: val_loss with a validation set, else train_loss.
    public var metric: Metric?
    public var mode: Mode

    public init(metric: Metric? = nil, mode: Mode = .min) {
        self.metric = metric
        self.mode = mode
    }

    public static let keys = ["metric", "mode"]

    init(_ reader: JSONReader) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        metric = try o.required("metric").choice(Metric.self, what: "metric")
        let m = try o["mode"]?.choice(Mode.self, what: "mode")
        // Losses are minimised and accuracies maximised unless the spec says otherwise.
        mode = m ?? (metric == .valAccuracy || metric == .trainAccuracy ? .max : .min)
    }

    /// The metric's name as the tables show it.
    public func name(hasValidation: Bool) -> String {
        metric?.rawValue ?? (hasValidation ? "val_loss" : "train_loss")
    }

    /// The metric of one epoch; nil when the run has no such metric.
    public func value(_ r: EpochRecord) -> Double? {
        switch metric {
        case nil: return r.validationLoss ?? r.trainLoss
        case .valLoss?: return r.validationLoss
        case .trainLoss?: return r.trainLoss
        case .valAccuracy?: return r.validationAccuracy
        case .trainAccuracy?: return r.trainAccuracy
        }
    }

    /// Whether `a` is better than `b`. NaN is never better, and everything finite is better
    /// than NaN.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        if b.isNaN { return !a.isNaN }
        return mode == .min ? a < b : a > b
    }

    /// "lower is better" or "higher is better".
    public var direction: String { mode == .min ? "lower is better" : "higher is better" }

    /// The worst value a run can have (diverged seeds count as it).
    public var worst: Double { mode == .min ? .infinity : -.infinity }
}
