import Foundation

/// A Parzen estimator over a search space, as Optuna's TPE builds one
/// (`optuna/samplers/_tpe/parzen_estimator.py`, Optuna 5.1): a mixture of one product kernel
/// per observation plus a prior kernel, each dimension of a kernel a truncated normal (in the
/// log of the value for a log scale; its mass between x ± ½ for an integer) or, for a
/// choice, a categorical distribution.
///
/// Bandwidths follow Optuna's rules: a kernel's σ is the larger distance to its neighbours
/// among the sorted observations and the range's ends (the first and last use their inner
/// neighbour only), clipped to [range / min(100, n + 2), range] ("magic clipping"); the prior
/// kernel sits at the middle with σ = the range. Categorical kernels put weight 1 on their
/// choice plus prior_weight / (n + 1) on every choice, normalised. Observations carry the
/// weights `weights(n)` (1 each below 25; older ones ramp down beyond), the prior weight 1.
public struct ParzenEstimator: Sendable {
    /// A value as the estimator works with it: a number (an integer as a Double) or a
    /// choice's index.
    public typealias Point = [Double]

    enum Kernels: Sendable {
        /// μ and σ per kernel, on the working scale (log for a log range); `low`/`high` that
        /// scale's range (an integer's widened by ½); `integer`: the value's own bounds, for
        /// rounding a draw.
        /// `distinct`: for an integer, the kernels' distinct (μ, σ) pairs and each kernel's pair
        /// (many observations of an integer share both): its mass is computed once a pair.
        case numeric(mu: [Double], sigma: [Double], low: Double, high: Double, log: Bool, integer: (low: Double, high: Double)?,
                     normalizer: [Double], distinct: (mu: [Double], sigma: [Double], normalizer: [Double], of: [Int])?)
        /// Each kernel's probability of each choice, and its log; `byChoice[c]`: every kernel's
        /// log probability of choice c, one contiguous row (what scoring a candidate adds up).
        case categorical([[Double]], log: [[Double]], byChoice: [[Double]])
    }

    let weights: [Double]
    let logWeights: [Double]
    let kernels: [Kernels]

    static let priorWeight = 1.0

    /// Optuna's `default_weights`.
    static func observationWeights(_ n: Int) -> [Double] {
        guard n >= 25 else { return [Double](repeating: 1, count: n) }
        let ramp = n - 25
        // numpy.linspace(1/n, 1, num=ramp)
        let start = 1 / Double(n)
        let ramped: [Double] = ramp == 1 ? [start] : (0..<ramp).map { i in
            i == ramp - 1 ? 1.0 : start + Double(i) * ((1 - start) / Double(ramp - 1))
        }
        return ramped + [Double](repeating: 1, count: 25)
    }

    /// - Parameters:
    ///   - observations: one point per trial, in trial order.
    ///   - space: the dimensions, as the spec's search space gives them.
    ///   - weights: each observation's weight before the prior's is added; nil: Optuna's
    ///     `default_weights` (multi-objective TPE gives its good trials weight 1 each).
    public init(observations: [Point], space: [SearchSpec.Distribution], weights given: [Double]? = nil) {
        self.init(count: observations.count, weights: given,
                  kernels: space.indices.map { d in Self.kernels(observations.map { $0[d] }, space[d]) })
    }

    /// From kernels already made for `count` observations (and the prior's, last).
    init(count n: Int, weights given: [Double]? = nil, kernels: [Kernels]) {
        var w = given ?? Self.observationWeights(n)
        w.append(n == 0 ? 1 : Self.priorWeight)
        let total = w.reduce(0, +)
        weights = w.map { $0 / total }
        logWeights = weights.map { Foundation.log($0) }
        self.kernels = kernels
    }

    static func kernels(_ values: [Double], _ distribution: SearchSpec.Distribution) -> Kernels {
        guard let scale = Scale(distribution) else { return categorical(values, distribution) }
        let mus = values.map(scale.working)
        // Stable, so equal values keep trial order (pairs sort faster than indices into mus).
        let order = zip(mus, mus.indices).sorted { $0.0 < $1.0 }.map(\.1)
        let sigma = scale.sigmas(mus, order: order)
        let (pm, ps) = scale.prior
        return scale.kernels(mu: mus, sigma: sigma) { k in k < mus.count ? scale.normalizer(mu: mus[k], sigma: sigma[k]) : scale.normalizer(mu: pm, sigma: ps) }
    }

    /// A choice's kernels: weight 1 on the observation's choice plus prior_weight / (n + 1) on
    /// every choice, normalised; the prior kernel's uniform.
    static func categorical(_ values: [Double], _ distribution: SearchSpec.Distribution) -> Kernels {
        guard case let .choice(choices) = distribution else { fatalError("a choice's kernels for a number") }
        let n = values.count, count = choices.count
        guard n > 0 else {
            let row = [Double](repeating: 1 / Double(count), count: count)
            let logs = row.map { Foundation.log($0) }
            return .categorical([row], log: [logs], byChoice: logs.map { [$0] })
        }
        let kernelCount = Double(n + 1)
        // A kernel's row depends only on its choice (the prior's: on none), so each of the
        // count + 1 rows, and its logs, is made once and shared.
        func row(_ v: Int) -> [Double] {
            var row = [Double](repeating: priorWeight / kernelCount, count: count)
            if v >= 0 { row[v] += 1 }
            let sum = row.reduce(0, +)
            return row.map { $0 / (sum == 0 ? 1 : sum) }
        }
        let distinct = (-1..<count).map(row)
        let logs = distinct.map { $0.map { Foundation.log($0) } }
        let chosen = values.map { Int($0) } + [-1]
        let byChoice = (0..<count).map { c in chosen.map { logs[$0 + 1][c] } }
        return .categorical(chosen.map { distinct[$0 + 1] }, log: chosen.map { logs[$0 + 1] }, byChoice: byChoice)
    }

    /// The log density of each kernel's dimension d at the value x.
    static func logDensities(_ kernels: Kernels, at x: Double) -> [Double] {
        switch kernels {
        case let .categorical(_, _, byChoice):
            return byChoice[Int(x)]
        case let .numeric(mu, sigma, low, high, log, _, normalizer, distinct):
            if let d = distinct {
                let values = integerLogMasses(d, at: x, log: log)
                return d.of.map { values[$0] }
            }
            let v = log ? Foundation.log(x) : x
            guard v >= low, v <= high else { return [Double](repeating: -.infinity, count: mu.count) }
            return mu.indices.map { k in
                let z = (v - mu[k]) / sigma[k]
                return -z * z / 2 - TruncatedNormal.logRoot2Pi - normalizer[k]
            }
        }
    }

    /// An integer dimension's log mass at x (between x ± ½) under each distinct (μ, σ) pair.
    static func integerLogMasses(_ d: (mu: [Double], sigma: [Double], normalizer: [Double], of: [Int]), at x: Double, log: Bool) -> [Double] {
        let left = log ? Foundation.log(x - 0.5) : x - 0.5, right = log ? Foundation.log(x + 0.5) : x + 0.5
        return d.mu.indices.map { k in TruncatedNormal.logMass((left - d.mu[k]) / d.sigma[k], (right - d.mu[k]) / d.sigma[k]) - d.normalizer[k] }
    }

    /// log p(x): the log of the weighted sum of the kernels' products.
    public func logDensity(_ x: Point) -> Double {
        var perKernel = logWeights
        for (d, k) in kernels.enumerated() {
            for (i, v) in Self.logDensities(k, at: x[d]).enumerated() { perKernel[i] += v }
        }
        var m = perKernel.max() ?? -.infinity
        if m == -.infinity { m = 0 }
        return Foundation.log(perKernel.reduce(0) { $0 + Foundation.exp($1 - m) }) + m
    }

    /// log p(x) of every point, as `logDensity` computes it, each dimension's kernels evaluated
    /// once per distinct value among the points (candidates often share an integer or a
    /// choice), as Optuna does.
    public func logDensities(_ points: [Point]) -> [Double] {
        let n = weights.count
        var sums = [Double](repeating: 0, count: points.count * n)
        sums.withUnsafeMutableBufferPointer { sums in
            for i in points.indices { for j in 0..<n { sums[i * n + j] = logWeights[j] } }
            for (d, k) in kernels.enumerated() {
                switch k {
                case let .numeric(mu, sigma, low, high, log, nil, normalizer, _):
                    // A real: each kernel's log density added in place (`logDensities(_:at:)`'s
                    // numbers, without an array per point).
                    mu.withUnsafeBufferPointer { mu in sigma.withUnsafeBufferPointer { sigma in normalizer.withUnsafeBufferPointer { normalizer in
                        for (i, x) in points.enumerated() {
                            let v = log ? Foundation.log(x[d]) : x[d]
                            let row = sums.baseAddress! + i * n
                            guard v >= low, v <= high else {
                                for j in 0..<n { row[j] += -.infinity }
                                continue
                            }
                            for j in 0..<n {
                                let z = (v - mu[j]) / sigma[j]
                                row[j] += -z * z / 2 - TruncatedNormal.logRoot2Pi - normalizer[j]
                            }
                        }
                    } } }
                    continue
                case let .categorical(_, _, byChoice):
                    for (i, x) in points.enumerated() {
                        byChoice[Int(x[d])].withUnsafeBufferPointer { column in
                            let row = sums.baseAddress! + i * n
                            for j in 0..<n { row[j] += column[j] }
                        }
                    }
                    continue
                case let .numeric(_, _, _, _, log, _, _, pairs?):
                    // An integer: its kernels' masses once per distinct (μ, σ) pair and distinct
                    // value among the points, added through each kernel's pair.
                    var cache = [Double: [Double]]()
                    pairs.of.withUnsafeBufferPointer { of in
                        for (i, x) in points.enumerated() {
                            let values: [Double]
                            if let cached = cache[x[d]] { values = cached } else {
                                values = Self.integerLogMasses(pairs, at: x[d], log: log)
                                cache[x[d]] = values
                            }
                            values.withUnsafeBufferPointer { v in
                                let row = sums.baseAddress! + i * n
                                for j in 0..<n { row[j] += v[of[j]] }
                            }
                        }
                    }
                    continue
                default: break
                }
                var cache = [Double: [Double]]()
                for (i, x) in points.enumerated() {
                    // An integer: its kernels' masses once per distinct value.
                    let values: [Double]
                    if let cached = cache[x[d]] { values = cached } else {
                        values = Self.logDensities(k, at: x[d])
                        cache[x[d]] = values
                    }
                    values.withUnsafeBufferPointer { v in for j in 0..<n { sums[i * n + j] += v[j] } }
                }
            }
        }
        return sums.withUnsafeBufferPointer { sums in
            points.indices.map { i in
                let row = UnsafeBufferPointer(rebasing: sums[(i * n)..<((i + 1) * n)])
                var m = row.max() ?? -.infinity
                if m == -.infinity { m = 0 }
                var total = 0.0
                for v in row { total += Foundation.exp(v - m) }
                return Foundation.log(total) + m
            }
        }
    }

    /// `count` points drawn from the mixture: a kernel by its weight, then each dimension
    /// from that kernel (`uniform` gives numbers in [0, 1)).
    public func sample(_ count: Int, uniform: () -> Double) -> [Point] {
        var cumulative = [Double](), sum = 0.0
        for w in weights { sum += w; cumulative.append(sum) }
        return (0..<count).map { _ in
            let u = uniform() * sum
            let k = min(cumulative.firstIndex { u < $0 } ?? weights.count - 1, weights.count - 1)
            return kernels.map { kernels in
                switch kernels {
                case let .categorical(rows, _, _):
                    let q = uniform()
                    var c = 0.0
                    for (j, p) in rows[k].enumerated() {
                        c += p
                        if q < c { return Double(j) }
                    }
                    return Double(rows[k].count - 1)
                case let .numeric(mu, sigma, low, high, log, integer, _, _):
                    let a = (low - mu[k]) / sigma[k], b = (high - mu[k]) / sigma[k]
                    var x = min(max(TruncatedNormal.quantile(uniform(), a: a, b: b) * sigma[k] + mu[k], low), high)
                    if log { x = Foundation.exp(x) }
                    // numpy's round: half to even, of the distance from the low end.
                    if let integer { x = min(max(integer.low + (x - integer.low).rounded(.toNearestOrEven), integer.low), integer.high) }
                    return x
                }
            }
        }
    }
}
