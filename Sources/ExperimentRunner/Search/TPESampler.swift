import BackpropCore
import Foundation

/// The Tree-structured Parzen Estimator (Bergstra et al., 2011) as Optuna's TPESampler does
/// it (Optuna 5.1, its defaults: multivariate, 24 candidates, constant liar): the finished
/// trials are split at γ(n) = min(⌈0.1·n⌉, 25) into the best (l) and the rest (g); a Parzen
/// estimator is fit to each; 24 candidates are drawn from l and the one with the largest
/// log l(x) − log g(x) is proposed. Until `startupTrials` trials have finished, a trial is
/// the random sampler's draw for its number.
///
/// Trials are proposed a batch at a time from the trials finished before the batch: the
/// batch's earlier proposals join g as trials still running (Optuna's constant liar), so a
/// batch spreads out. Each proposal draws from a stream of its own (`seed`, its number):
/// the proposals depend on the history and the seed alone, never on `--jobs` or on which run
/// finished first.
public struct TPESampler: TrialSampler {
    public var space: [SearchSpec.Distribution]
    public var seed: UInt64
    public var startupTrials: Int
    public var candidates = 24
    /// One estimator over every dimension (Optuna's multivariate=True); false: one per dimension.
    public var multivariate = true

    public init(space: [SearchSpec.Distribution], seed: UInt64, startupTrials: Int, multivariate: Bool = true) {
        self.space = space
        self.seed = seed
        self.startupTrials = startupTrials
        self.multivariate = multivariate
    }

    public typealias Observation = FinishedTrial

    /// Optuna's default γ for one objective (several objectives: ⌈0.1·n⌉, `goodTrials(multiObjective:)`).
    static func gamma(_ n: Int) -> Int { min(Int((0.1 * Double(n)).rounded(.up)), 25) }

    /// The trials numbered `first` ..< `first + count`, proposed from `finished` (in trial order).
    /// The split and the good trials' estimator depend on `finished` alone: they are made once
    /// for the batch, and only g, which holds the batch's earlier proposals, once a proposal.
    public func propose(first: Int, count: Int, finished: [Observation]) -> [[Double]] {
        guard finished.count >= startupTrials, !finished.isEmpty else { return (first..<(first + count)).map(randomPoint) }
        let groups = Groups(finished)
        // One estimator over every dimension, or one per dimension (multivariate: false).
        let blocks = multivariate ? [Array(space.indices)] : space.indices.map { [$0] }
        let below = blocks.map { groups.below($0, space: space) }
        let above = blocks.map { groups.above($0, space: space) }
        var batch = [[Double]]()
        for number in first..<(first + count) {
            // Its own stream: the seed and the trial's number, mixed.
            var rng = SplitMix64(seed: seed ^ (UInt64(number) &+ 1) &* 0xD1B5_4A32_D192_ED03)
            func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
            var point = [Double]()
            for (k, dimensions) in blocks.enumerated() {
                let l = below[k], g = above[k].estimator(running: Groups.project(batch, dimensions, space: space))
                point += l.sample(candidates, uniform: uniform)[...].best(below: l, above: g)
            }
            batch.append(point)
        }
        return batch
    }

    /// The random sampler's values for trial `number` (its startup trials).
    public func randomPoint(_ number: Int) -> [Double] { RandomSampler(space: space, seed: seed).point(number) }

    /// The finished trials split into the good (l's) and the others (g's), each in trial order.
    struct Groups {
        var good: [[Double]], bad: [[Double]]
        var multiObjective: Bool

        init(_ finished: [Observation]) {
            let below = Set(TPESampler.goodTrialNumbers(finished))
            good = finished.indices.filter(below.contains).map { finished[$0].point }
            bad = finished.indices.filter { !below.contains($0) }.map { finished[$0].point }
            multiObjective = (finished.first?.losses.count ?? 1) > 1
        }

        static func project(_ points: [[Double]], _ dimensions: [Int], space: [SearchSpec.Distribution]) -> [[Double]] {
            dimensions == Array(space.indices) ? points : points.map { p in dimensions.map { p[$0] } }
        }

        /// l over `dimensions`. Multi-objective TPE weighs each good trial 1 (Optuna 5.1's weights_below).
        func below(_ dimensions: [Int], space: [SearchSpec.Distribution]) -> ParzenEstimator {
            ParzenEstimator(observations: Self.project(good, dimensions, space: space), space: dimensions.map { space[$0] },
                            weights: multiObjective ? [Double](repeating: 1, count: good.count) : nil)
        }

        /// g over `dimensions`, to which the trials still running (a batch's earlier proposals)
        /// are added after the other trials.
        func above(_ dimensions: [Int], space: [SearchSpec.Distribution]) -> GrowingEstimator {
            GrowingEstimator(observations: Self.project(bad, dimensions, space: space), space: dimensions.map { space[$0] })
        }
    }

    /// The estimators of the good trials (l) and the others (g) over `dimensions`, each group
    /// in trial order, the trials still running (a batch's earlier proposals) last in g.
    public func estimators(finished: [Observation], running: [[Double]] = [], dimensions: [Int]? = nil) -> (below: ParzenEstimator, above: ParzenEstimator) {
        let dimensions = dimensions ?? Array(space.indices), groups = Groups(finished)
        return (groups.below(dimensions, space: space),
                groups.above(dimensions, space: space).estimator(running: Groups.project(running, dimensions, space: space)))
    }

    /// The trials l is fit to (their positions in `finished`), in trial order.
    public static func goodTrialNumbers(_ finished: [Observation]) -> [Int] {
        let multiObjective = (finished.first?.losses.count ?? 1) > 1
        return (multiObjective ? goodTrials(multiObjective: finished) : goodTrials(finished)).sorted()
    }

    /// One objective: the best γ(n) by loss (a stable sort: ties go to the earlier trial; NaN is
    /// the worst).
    static func goodTrials(_ finished: [Observation]) -> Set<Int> {
        let order = finished.indices.map { ($0, finished[$0].loss.isNaN ? Double.infinity : finished[$0].loss) }.sorted { a, b in
            a.1 != b.1 ? a.1 < b.1 : a.0 < b.0
        }
        return Set(order.prefix(gamma(finished.count)).map(\.0))
    }

    /// Several objectives (MOTPE, Optuna 5.1's `_split_complete_trials_multi_objective`):
    /// ⌈0.1·n⌉ good trials, taken by whole non-domination ranks (`ParetoFront.ranks`) while
    /// they fit, the rest of the count from the next rank by greedy hypervolume subset
    /// selection (`Hypervolume.greedySubset`, reference point from that rank's worst values).
    /// A trial with a NaN objective (diverged, failed) is never good.
    static func goodTrials(multiObjective finished: [Observation]) -> Set<Int> {
        let count = Int((0.1 * Double(finished.count)).rounded(.up))
        let valid = finished.indices.filter { !finished[$0].losses.contains(where: \.isNaN) }
        guard count < valid.count else { return Set(valid) }
        let ranks = ParetoFront.ranks(valid.map { finished[$0].losses })
        var good = Set<Int>(), rank = 0
        while true {
            let members = valid.indices.filter { ranks[$0] == rank }
            if good.count + members.count <= count {
                good.formUnion(members.map { valid[$0] })
                if good.count == count { return good }
                rank += 1
                continue
            }
            let points = members.map { finished[valid[$0]].losses }
            let chosen = Hypervolume.greedySubset(points, count: count - good.count, reference: Hypervolume.reference(points))
            return good.union(chosen.map { valid[members[$0]] })
        }
    }
}

extension ArraySlice where Element == [Double] {
    /// The candidate of the largest log l(x) − log g(x); the first of equal ones (numpy's argmax).
    public func best(below l: ParzenEstimator, above g: ParzenEstimator) -> [Double] {
        let points = Array(self)
        let below = l.logDensities(points), above = g.logDensities(points)
        var best = points[0], bestScore = -Double.infinity
        for (i, x) in points.enumerated() {
            let score = below[i] - above[i]
            if score > bestScore { best = x; bestScore = score }
        }
        return best
    }
}

extension SearchSpec.Distribution {
    /// A value on the estimator's scale: a number as it is, a choice as its index.
    public func `internal`(of value: JSONValue) -> Double {
        switch self {
        case let .choice(values): return Double(values.firstIndex { $0.sameValue(as: value) } ?? 0)
        default:
            if case let .number(text) = value { return Double(text) ?? .nan }
            return .nan
        }
    }

    /// The spec's value for a point on the estimator's scale.
    public func external(_ x: Double) -> JSONValue {
        switch self {
        case let .choice(values): return values[min(max(Int(x), 0), values.count - 1)]
        case .int: return .number(String(Int(x)))
        default: return Self.number(x)
        }
    }
}
