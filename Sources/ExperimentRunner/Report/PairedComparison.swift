/// Two configurations compared seed by seed. Runs with the same seed start from the same
/// initial weights and see the same batches, so the paired difference removes the noise of
/// initialisation that a comparison of means keeps.
public struct PairedComparison: Sendable, Equatable {
    /// The better-ranked configuration, and the one compared with it.
    public var best: String
    public var other: String
    /// Seeds both ran to the end (completed or diverged).
    public var seeds: Int
    /// Seeds on which `best` has the lower ranking loss (a diverged run always loses).
    public var wins: Int
    /// Mean and sample std of (other − best) over the seeds where both are finite.
    public var meanDifference: Double?
    public var stdDifference: Double?

    /// A configuration's objective seed by seed: each completed seed's kept network, a diverged
    /// seed as the worst value; the others have none.
    static func bySeed(_ results: [RunResult], configuration: Int, objective: Objective) -> [UInt64: Double] {
        var out = [UInt64: Double]()
        for r in results where r.run.configurationIndex == configuration {
            switch r.status {
            case .completed: if let l = r.finalRankingLoss { out[r.run.seed] = l }
            case .diverged: out[r.run.seed] = objective.worst
            default: break
            }
        }
        return out
    }

    /// The best configuration against every other, best-ranked first (at most `limit`), when
    /// they share at least two seeds.
    public static func againstBest(_ results: [RunResult], ranked: [Summary.ConfigurationRow], limit: Int = 10) -> [PairedComparison] {
        guard let best = ranked.first, best.diverged + best.failed == 0 else { return [] }
        let objective = Summary.objective(results)
        func losses(_ configuration: Int) -> [UInt64: Double] { bySeed(results, configuration: configuration, objective: objective) }
        let reference = losses(best.index)
        var out = [PairedComparison]()
        for row in ranked.dropFirst().prefix(limit) {
            let other = losses(row.index)
            let shared = reference.keys.filter { other[$0] != nil }.sorted()
            guard shared.count >= 2 else { continue }
            let wins = shared.filter { objective.isBetter(reference[$0]!, than: other[$0]!) }.count
            let differences = shared.map { other[$0]! - reference[$0]! }.filter(\.isFinite)
            let mean = Statistics.mean(differences), std = Statistics.standardDeviation(differences)
            out.append(PairedComparison(best: best.configurationID, other: row.configurationID, seeds: shared.count, wins: wins,
                                        meanDifference: mean, stdDifference: std))
        }
        return out
    }

    /// "`A` beats `B` on 9 of 10 seeds; mean difference 0.0123 ± 0.0040", in Markdown.
    public var sentence: String { sentence { "`\($0)`" } }

    /// The sentence with the configurations' ids set as `code` sets them (Markdown, HTML).
    public func sentence(code: (String) -> String) -> String {
        var s = "\(code(best)) beats \(code(other)) on \(wins) of \(seeds) seeds"
        if let m = meanDifference {
            s += "; mean difference \(Summary.format(m))"
            if let sd = stdDifference { s += " ± \(Summary.format(sd))" }
        }
        return s
    }
}
