import BackpropCore
import Foundation

/// The spec's `search`: `trials` points drawn from a space of distributions, each crossed
/// with the grid's axes (a grid over activations, each with sampled rates).
///
///     "search": {"sampler": "random", "trials": 50, "seed": 0,
///                "space": {"optimizer.learning_rate": {"loguniform": [1e-4, 1.0]},
///                          "model.layers[0].units": {"int": [2, 256], "log": true},
///                          "optimizer.momentum": {"uniform": [0.0, 0.99]},
///                          "model.activation": {"choice": ["relu", "tanh"]}}}
///
/// The trials are drawn when the plan is made, from `seed` alone: the same spec gives the
/// same trials whatever `--jobs`, shard or order.
public struct SearchSpec: Sendable {
    public enum Sampler: String, CaseIterable, Sendable {
        /// Independent uniform draws (SplitMix64 from `seed`), as Optuna's RandomSampler.
        case random
        /// Sobol's low-discrepancy sequence (Joe & Kuo's direction numbers), scrambled by a
        /// random digital shift drawn from `seed`; point 0 (all zeros before the shift) is
        /// skipped, as SciPy advises for unscrambled sequences.
        case sobol
        /// The Tree-structured Parzen Estimator (`TPESampler`): trials proposed `batch` at a
        /// time from the results of the batches before, random until `startup_trials` have finished.
        case tpe
    }

    public enum Distribution: Sendable, Equatable {
        /// a + u·(b − a).
        case uniform(Double, Double)
        /// exp(ln a + u·(ln b − ln a)), 0 < a < b.
        case logUniform(Double, Double)
        /// An integer from a to b (both included), equally likely; with `log`, uniform in
        /// ln(x) over [a − 0.5, b + 0.5] and rounded (Optuna's IntDistribution(log=True)).
        case int(Int, Int, log: Bool)
        /// One of the values, equally likely.
        case choice([JSONValue])

        /// The value at u in [0, 1).
        public func value(at u: Double) -> JSONValue {
            switch self {
            case let .uniform(a, b): return Self.number(a + u * (b - a))
            case let .logUniform(a, b): return Self.number(Foundation.exp(Foundation.log(a) + u * (Foundation.log(b) - Foundation.log(a))))
            case let .int(a, b, log):
                let lo = Double(a) - 0.5, hi = Double(b) + 0.5
                let x = log ? Foundation.exp(Foundation.log(lo) + u * (Foundation.log(hi) - Foundation.log(lo))) : lo + u * (hi - lo)
                return .number(String(min(max(Int(x.rounded()), a), b)))
            case let .choice(values): return values[min(Int(u * Double(values.count)), values.count - 1)]
            }
        }

        /// Whether it is drawn on a log scale (plots use a log axis for it).
        public var isLog: Bool {
            switch self {
            case .logUniform: true
            case let .int(_, _, log): log
            default: false
            }
        }

        static func number(_ x: Double) -> JSONValue {
            // Shortest round-trip text, never an exponent Swift writes as "1e-05" that JSON
            // readers would take anyway: both are valid JSON numbers.
            .number("\(x)")
        }
    }

    public struct Dimension: Sendable {
        public var path: JSONPath
        public var distribution: Distribution
    }

    public var sampler: Sampler
    public var trials: Int
    public var seed: UInt64
    public var dimensions: [Dimension]
    /// TPE: trials proposed at once (a fixed number, never `--jobs`, so that the proposals
    /// are the same whatever the machine).
    public var batch = 4
    /// How many batches a tpe search's trials make (the last may be short).
    public var batchCount: Int { (trials + batch - 1) / batch }
    /// TPE: finished trials before the estimator takes over from random draws.
    public var startupTrials = 10
    /// TPE: one estimator over all dimensions (true, Optuna's multivariate) or one each.
    public var multivariate = true

    public static let keys = ["sampler", "trials", "seed", "space", "batch", "startup_trials", "multivariate"]

    /// - Parameter reserved: paths that cannot be searched (the grid's axes).
    init(_ reader: JSONReader, gridPaths: [JSONPath], maximumTrials: Int) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        sampler = try o["sampler"]?.choice(Sampler.self, what: "sampler") ?? .random
        let t = try o.required("trials")
        trials = try t.int()
        guard (1...maximumTrials).contains(trials) else { throw t.error("trials must be from 1 to \(maximumTrials)") }
        seed = try o["seed"]?.uint64() ?? 0
        for key in ["batch", "startup_trials", "multivariate"] where o.has(key) && sampler != .tpe {
            throw try o.required(key).error("belongs to the tpe sampler")
        }
        if let b = o["batch"] {
            batch = try b.int()
            guard (1...10_000).contains(batch) else { throw b.error("batch must be from 1 to 10000") }
        }
        if let st = o["startup_trials"] {
            startupTrials = try st.int()
            guard (1...maximumTrials).contains(startupTrials) else { throw st.error("startup_trials must be at least 1") }
        }
        multivariate = try o["multivariate"]?.bool() ?? true
        let space = try o.required("space")
        guard case let .object(members) = space.value, !members.isEmpty else {
            throw space.error("expected an object of \"path\": {distribution}, with at least one path")
        }
        if sampler == .sobol && members.count > Sobol.maximumDimensions {
            throw space.error("\(members.count) dimensions: the sobol sampler takes at most \(Sobol.maximumDimensions) (use random)")
        }
        var dimensions = [Dimension]()
        for (key, value) in members {
            let r = JSONReader(value, path: space.path.appending(key), file: reader.file)
            guard let path = GridAxis.parsePath(key) else { throw r.error("not a path like optimizer.learning_rate or model.layers[0].units") }
            if case .key(let first) = path.components.first, (["seeds"] + SweepPlan.sweepKeys + ExperimentSpec.descriptive).contains(first) {
                throw r.error("\(first) cannot be searched")
            }
            if let clash = gridPaths.first(where: { $0.components.starts(with: path.components) || path.components.starts(with: $0.components) }) {
                throw r.error("the grid sweeps \(clash) too: a field is either searched or on the grid")
            }
            if let earlier = dimensions.first(where: { $0.path.components.starts(with: path.components) || path.components.starts(with: $0.path.components) }) {
                throw r.error("overlaps \(earlier.path), which the space already searches")
            }
            dimensions.append(Dimension(path: path, distribution: try Self.distribution(r)))
        }
        self.dimensions = dimensions
    }

    static func distribution(_ r: JSONReader) throws(SpecError) -> Distribution {
        let o = try r.object(allowed: ["uniform", "loguniform", "int", "log", "choice"])
        let kinds = ["uniform", "loguniform", "int", "choice"].filter { o.has($0) }
        guard kinds.count == 1 else {
            throw r.error(kinds.isEmpty ? "expected one of uniform, loguniform, int or choice" : "names \(kinds.joined(separator: " and ")): one distribution per path")
        }
        if o.has("log") && kinds[0] != "int" { throw r.error("\"log\" belongs to an int distribution (loguniform is the log-scale real one)") }
        let d = try o.required(kinds[0])
        func bounds() throws(SpecError) -> (Double, Double) {
            let items = try d.array()
            guard items.count == 2 else { throw d.error("expected [low, high]") }
            let a = try items[0].double(), b = try items[1].double()
            guard a.isFinite, b.isFinite, a < b else { throw d.error("expected [low, high] with low < high") }
            return (a, b)
        }
        switch kinds[0] {
        case "uniform":
            let (a, b) = try bounds()
            return .uniform(a, b)
        case "loguniform":
            let (a, b) = try bounds()
            guard a > 0 else { throw d.error("a log-uniform range must be above 0") }
            return .logUniform(a, b)
        case "int":
            let items = try d.array()
            guard items.count == 2 else { throw d.error("expected [low, high]") }
            let a = try items[0].int(), b = try items[1].int()
            guard a <= b else { throw d.error("expected [low, high] with low <= high") }
            guard abs(a) < 1 << 52, abs(b) < 1 << 52 else { throw d.error("bounds beyond ±2^52 are not exact as numbers") }
            let log = try o["log"]?.bool() ?? false
            if log && a < 1 { throw d.error("a log-spaced int range must start at 1 or above") }
            return .int(a, b, log: log)
        default:
            let values = try d.nonEmptyArray().map(\.value)
            for (i, v) in values.enumerated() where values[..<i].contains(where: { $0.sameValue(as: v) }) {
                throw d.error("the value \(v.serialized(indent: nil)) is listed twice")
            }
            return .choice(values)
        }
    }

    /// Every trial's values, one per dimension, in the space's order; for TPE, those of its
    /// first batch (the later ones come from the results: `SweepPlan.nextBatch`).
    public func sample() -> [[JSONValue]] {
        let first = sampler == .tpe ? min(batch, trials) : trials
        return trialSampler.propose(first: 0, count: first, finished: []).map(external)
    }

    /// The sampler the spec names, on this space and seed (`Search/`).
    public var trialSampler: any TrialSampler {
        let space = dimensions.map(\.distribution)
        switch sampler {
        case .random: return RandomSampler(space: space, seed: seed)
        case .sobol: return SobolSampler(space: space, seed: seed)
        case .tpe: return tpe
        }
    }

    /// The TPE sampler of this space and seed.
    public var tpe: TPESampler {
        TPESampler(space: dimensions.map(\.distribution), seed: seed, startupTrials: startupTrials, multivariate: multivariate)
    }

    /// A point on the estimator's scale as the spec's values.
    public func external(_ point: [Double]) -> [JSONValue] { zip(dimensions, point).map { $0.distribution.external($1) } }
}
