/// Which swept parameters mattered: the share of the variance of the objective (each
/// configuration's mean over its seeds) explained by each parameter's main effect, and by the
/// strongest pairwise interaction: functional ANOVA (Hutter, Hoos & Leyton-Brown 2014) read
/// straight off the configurations.
///
/// On a full grid every value of a parameter meets every value of the others equally often,
/// so the main effect of parameter i at value v is mean(y | x_i = v) − mean(y), its variance
/// is the mean of the squared effects, and the shares are exact. Sampled trials are not
/// balanced: each searched field with more than `bins` distinct values is cut into `bins`
/// quantile bins, and the share is the variance between the bins' means weighted by their
/// sizes (the correlation ratio η²): an estimate, which the report says.
public struct Importance: Sendable, Equatable {
    public struct Share: Sendable, Equatable {
        public var parameter: String
        public var share: Double
    }
    /// Main effects, largest first.
    public var main: [Share]
    /// The strongest interaction of two parameters (a full grid of two or more axes only).
    public var interaction: (parameters: String, share: Double)?
    /// Exact (a complete full grid), or estimated.
    public var exact: Bool
    /// Configurations left out: no completed seed (or none on disk yet), or a diverged or failed one.
    public var leftOut: Int
    public var configurations: Int

    public static func == (a: Importance, b: Importance) -> Bool {
        a.main == b.main && a.exact == b.exact && a.leftOut == b.leftOut && a.interaction?.parameters == b.interaction?.parameters
            && a.interaction?.share == b.interaction?.share
    }

    public static let bins = 5

    /// nil with fewer than two swept parameters (one explains everything), fewer than 3
    /// usable configurations, or when every configuration has the same objective.
    public init?(plan: SweepPlan, ranked: [Summary.ConfigurationRow]) {
        let axes = plan.sweptAxes
        guard axes.count >= 2 else { return nil }
        let usable = ranked.filter { !$0.troubled && $0.n > 0 && $0.mean?.isFinite == true }
        guard usable.count >= 3 else { return nil }
        let y = usable.map { $0.mean! }
        let mu = y.reduce(0, +) / Double(y.count)
        let total = y.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(y.count)
        guard total > 0 else { return nil }
        // Each configuration's level on each axis: its value, or its quantile bin.
        let searched = Set(plan.searchAxes.map(\.label))
        var levels = [[Int]](repeating: [], count: axes.count)
        for (a, axis) in axes.enumerated() {
            let values = usable.map { row in row.swept.first { $0.label == axis.label }?.value ?? .null }
            let keys = values.map { $0.serialized() }
            let distinct = Array(Set(keys)).sorted()
            if searched.contains(axis.label) && distinct.count > Self.bins, values.allSatisfy({ Self.number($0) != nil }) {
                let order = values.indices.sorted { Self.number(values[$0])! < Self.number(values[$1])! }
                var level = [Int](repeating: 0, count: values.count)
                for (rank, i) in order.enumerated() { level[i] = rank * Self.bins / values.count }
                levels[a] = level
            } else {
                let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
                levels[a] = keys.map { index[$0]! }
            }
        }
        func groupMeans(_ key: (Int) -> [Int]) -> [[Int]: (sum: Double, n: Int)] {
            var groups = [[Int]: (sum: Double, n: Int)]()
            for i in y.indices { let k = key(i); groups[k, default: (0, 0)].sum += y[i]; groups[k, default: (0, 0)].n += 1 }
            return groups
        }
        // Between-group variance, weighted by group size (on a balanced grid: the mean squared effect).
        // Summed in the groups' order (not the dictionary's, which changes from one process to
        // the next), so that the same results give the same digits every time.
        func explained(_ key: (Int) -> [Int]) -> Double {
            var sum = 0.0
            for (_, g) in groupMeans(key).sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let effect = g.sum / Double(g.n) - mu
                sum += Double(g.n) * effect * effect
            }
            return sum / Double(y.count)
        }
        main = axes.indices.map { a in Share(parameter: axes[a].label, share: explained { [levels[a][$0]] } / total) }
            .sorted { ($0.share, $1.parameter) > ($1.share, $0.parameter) }
        configurations = ranked.count
        leftOut = max(plan.configurationCount, ranked.count) - usable.count
        exact = plan.searchAxes.isEmpty && leftOut == 0 && plan.configurationCount == ranked.count
        interaction = nil
        if plan.searchAxes.isEmpty && axes.count >= 2 {
            for a in axes.indices {
                for b in (a + 1)..<axes.count {
                    // The pair's cells explain its two main effects and their interaction.
                    let pair = explained { [levels[a][$0], levels[b][$0]] }
                    let share = max(pair / total - main.first { $0.parameter == axes[a].label }!.share
                                        - main.first { $0.parameter == axes[b].label }!.share, 0)
                    if share > (interaction?.share ?? -1) { interaction = ("\(axes[a].label) × \(axes[b].label)", share) }
                }
            }
        }
    }

    static func number(_ v: JSONValue) -> Double? { if case let .number(t) = v { Double(t) } else { nil } }

    /// How the shares were computed, for the table's caption.
    public var method: String {
        var s = exact ? "Exact: a full grid, every configuration complete."
            : "Estimated" + (leftOut > 0 ? ", without the \(leftOut) configuration\(leftOut == 1 ? "" : "s") that diverged, failed or has no completed seed" : "")
            + ": the variance between the means of each parameter's values (searched fields with more than \(Self.bins) values in \(Self.bins) quantile bins), weighted by how many configurations each holds (the correlation ratio η²)."
        s += " The objective is each configuration's mean over its seeds."
        return s
    }

    public var markdown: String {
        var out = "| parameter | share of the variance |\n|---|---:|\n"
        for m in main { out += "| `\(m.parameter)` | \(Summary.format(m.share * 100))% |\n" }
        if let i = interaction { out += "| interaction `\(i.parameters)` (the strongest pair) | \(Summary.format(i.share * 100))% |\n" }
        return out
    }

    /// importance.csv: parameter,share (fractions of the variance).
    public var csv: String {
        var out = CSV.line(["parameter", "share"])
        for m in main { out += CSV.line([m.parameter, CSV.number(m.share)]) }
        if let i = interaction { out += CSV.line([i.parameters, CSV.number(i.share)]) }
        return out
    }
}
