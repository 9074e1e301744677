import BackpropCore

/// The spec's `objective`: what ranks configurations and decides a scheduler's promotions,
/// `{"metric": "val_accuracy", "mode": "max"}`. Test metrics never choose anything.
/// Without it: the validation loss when there is a validation set, else the training
/// loss, lower is better (the rule before objectives existed).
///
/// `objectives` (a list of them) makes a search multi-objective: besides the training
/// metrics, `parameters` (the network's weights and biases) and `flops` (per epoch, as `plan`
/// counts them: `LoadedData.flopsPerEpoch`). The first must be a training metric: it ranks
/// the tables.
public struct Objective: Sendable, Equatable {
    public enum Metric: String, CaseIterable, Sendable {
        case valLoss = "val_loss", valAccuracy = "val_accuracy", trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case parameters, flops

        /// Measured by training (an epoch's metric), not by the network's size.
        public var isTraining: Bool { self != .parameters && self != .flops }
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

    init(_ reader: JSONReader, sizes: Bool = false) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        let field = try o.required("metric")
        metric = try field.choice(Metric.self, what: "metric")
        if let metric, !metric.isTraining, !sizes {
            throw field.error("\(metric.rawValue) is the network's size, not a training metric: list it in \"objectives\" after one")
        }
        let m = try o["mode"]?.choice(Mode.self, what: "mode")
        // Losses are minimised and accuracies maximised unless the spec says otherwise.
        mode = m ?? (metric == .valAccuracy || metric == .trainAccuracy ? .max : .min)  // sizes: min
    }

    /// The metric's name as the tables show it.
    public func name(hasValidation: Bool) -> String {
        metric?.rawValue ?? (hasValidation ? "val_loss" : "train_loss")
    }

    /// The metric of one epoch; nil when the run has no such metric (and for a size).
    public func value(_ r: EpochRecord) -> Double? {
        switch metric {
        case nil: return r.validationLoss ?? r.trainLoss
        case .valLoss?: return r.validationLoss
        case .trainLoss?: return r.trainLoss
        case .valAccuracy?: return r.validationAccuracy
        case .trainAccuracy?: return r.trainAccuracy
        case .parameters?, .flops?: return nil
        }
    }

    /// A finished run's value: its kept network's metric, or its size.
    public func value(of r: RunResult) -> Double? {
        switch metric {
        case .parameters?: return r.parameters.map(Double.init)
        case .flops?: return r.flopsPerEpoch
        default: return r.kept.flatMap(value)
        }
    }

    /// The value as a loss: lower better (a maximised metric negated).
    public func loss(_ value: Double) -> Double { mode == .min ? value : -value }

    /// The spec's `objectives`: a list of at least one, the first a training metric, no metric twice.
    static func list(_ reader: JSONReader) throws(SpecError) -> [Objective] {
        let items = try reader.nonEmptyArray()
        var out = [Objective]()
        for item in items {
            let o = try Objective(item, sizes: true)
            if out.isEmpty, let m = o.metric, !m.isTraining {
                throw item.error("the first objective ranks the tables and must be a training metric (val_loss, val_accuracy, train_loss, train_accuracy): put \(m.rawValue) after one")
            }
            if out.contains(where: { $0.metric == o.metric }) { throw item.error("\(o.metric!.rawValue) is listed twice") }
            out.append(o)
        }
        return out
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
