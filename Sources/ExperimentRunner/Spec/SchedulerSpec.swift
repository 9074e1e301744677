/// The spec's `scheduler`: early termination of configurations at rungs, by the objective.
///
///     "scheduler": {"name": "successive_halving", "min_epochs": 3, "reduction": 3}
///     "scheduler": {"name": "hyperband", "min_epochs": 1, "reduction": 3}
///     "scheduler": {"name": "median", "grace_epochs": 5}
///
/// Decisions are synchronous: every run of a rung reaches the rung's epoch before any
/// decision, and they depend on the metrics alone, so the same spec gives the same
/// promotions whatever `--jobs` or the order runs finish in.
public struct SchedulerSpec: Sendable, Equatable {
    public enum Name: String, CaseIterable, Sendable {
        case successiveHalving = "successive_halving", hyperband, median
    }
    public var name: Name
    /// Successive halving and Hyperband: the first rung r (epochs) and the reduction η.
    public var minEpochs: Int
    public var reduction: Int
    /// Median stopping: rungs every `graceEpochs` epochs.
    public var graceEpochs: Int

    public static let keys = ["name", "min_epochs", "reduction", "grace_epochs"]

    init(_ reader: JSONReader, epochs: Int) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        name = try o.required("name").choice(Name.self, what: "scheduler")
        minEpochs = 1
        reduction = 3
        graceEpochs = 1
        switch name {
        case .successiveHalving, .hyperband:
            if o.has("grace_epochs") { throw o["grace_epochs"]!.error("grace_epochs belongs to the median scheduler") }
            let m = try o.required("min_epochs")
            minEpochs = try m.int()
            guard minEpochs >= 1 else { throw m.error("min_epochs must be at least 1") }
            guard minEpochs < epochs else { throw m.error("min_epochs must be below training.epochs (\(epochs)): the first rung comes before the end") }
            if let r = o["reduction"] {
                reduction = try r.int()
                guard reduction >= 2 else { throw r.error("reduction must be at least 2") }
            }
        case .median:
            for key in ["min_epochs", "reduction"] where o.has(key) { throw o[key]!.error("\(key) belongs to successive_halving and hyperband") }
            let g = try o.required("grace_epochs")
            graceEpochs = try g.int()
            guard graceEpochs >= 1, graceEpochs < epochs else { throw g.error("grace_epochs must be from 1 to below training.epochs (\(epochs))") }
        }
    }

    public init(name: Name, minEpochs: Int = 1, reduction: Int = 3, graceEpochs: Int = 1) {
        self.name = name
        self.minEpochs = minEpochs
        self.reduction = reduction
        self.graceEpochs = graceEpochs
    }

    /// A group of configurations halved together, with its rungs (epochs, ascending, the
    /// last the full `training.epochs`).
    public struct Bracket: Sendable, Equatable {
        public var configurations: [Int]
        public var rungs: [Int]
        public init(configurations: [Int], rungs: [Int]) {
            self.configurations = configurations
            self.rungs = rungs
        }
    }

    /// The brackets for `configurations` configurations (in plan order) of `epochs` epochs.
    ///
    /// - successive_halving: one bracket, rungs r, rη, rη², … below `epochs`, then `epochs`.
    /// - hyperband (Li et al., JMLR 2018, with R = epochs/r units of r epochs): brackets
    ///   s = s_max … 0, s_max = ⌊log_η(epochs/r)⌋; bracket s starts n_s = ⌈(s_max+1)/(s+1)·η^s⌉
    ///   configurations at epochs/η^s epochs and halves them s times. The plan's
    ///   configurations are split over the brackets in proportion to n_s (largest remainder,
    ///   in plan order), so a plan of Σ n_s configurations gets the paper's budgets exactly.
    /// - median: one bracket, rungs every `grace_epochs`, then `epochs`.
    public func brackets(configurations: Int, epochs: Int) -> [Bracket] {
        let all = Array(0..<configurations)
        switch name {
        case .successiveHalving:
            var rungs = [Int](), r = minEpochs
            while r < epochs { rungs.append(r); r = r.multipliedReportingOverflow(by: reduction).overflow ? epochs : r * reduction }
            return [Bracket(configurations: all, rungs: rungs + [epochs])]
        case .median:
            return [Bracket(configurations: all, rungs: Array(stride(from: graceEpochs, to: epochs, by: graceEpochs)) + [epochs])]
        case .hyperband:
            var sMax = 0, power = reduction
            while minEpochs.multipliedReportingOverflow(by: power).partialValue <= epochs && !minEpochs.multipliedReportingOverflow(by: power).overflow {
                sMax += 1
                power = power.multipliedReportingOverflow(by: reduction).overflow ? Int.max / 2 : power * reduction
            }
            func pow(_ s: Int) -> Int { (0..<s).reduce(1) { p, _ in p * reduction } }
            let sizes = (0...sMax).reversed().map { s in Int((Double(sMax + 1) / Double(s + 1) * Double(pow(s))).rounded(.up)) }
            // Largest remainder: each bracket's share of the configurations.
            let total = sizes.reduce(0, +)
            let exact = sizes.map { Double($0) * Double(configurations) / Double(total) }
            var counts = exact.map { Int($0.rounded(.down)) }
            let order = counts.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
            for i in order.prefix(configurations - counts.reduce(0, +)) { counts[i] += 1 }
            var brackets = [Bracket](), start = 0
            for (i, s) in (0...sMax).reversed().enumerated() where counts[i] > 0 {
                let first = max(1, epochs / pow(s))
                var rungs = (0..<s).map { first * pow($0) }.filter { $0 < epochs }
                rungs = Array(Set(rungs)).sorted() + [epochs]
                brackets.append(Bracket(configurations: Array(start..<(start + counts[i])), rungs: rungs))
                start += counts[i]
            }
            return brackets
        }
    }

    /// How many configurations of `active` go on after a rung (successive halving and
    /// Hyperband): ⌊active/η⌋, at least 1.
    public func survivors(of active: Int) -> Int { max(1, active / reduction) }
}
