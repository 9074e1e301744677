import Foundation

extension ParzenEstimator {
    /// A numeric dimension's working scale: its range (in the log for a log scale, an
    /// integer's widened by ½) and an integer's own bounds.
    struct Scale {
        var low: Double, high: Double, log: Bool, integer: (low: Double, high: Double)?

        /// nil for a choice.
        init?(_ distribution: SearchSpec.Distribution) {
            switch distribution {
            case .choice: return nil
            case let .uniform(a, b): (low, high, log, integer) = (a, b, false, nil)
            case let .logUniform(a, b): (low, high, log, integer) = (Foundation.log(a), Foundation.log(b), true, nil)
            case let .int(a, b, isLog):
                (low, high, log) = (Double(a) - 0.5, Double(b) + 0.5, isLog)
                if isLog { (low, high) = (Foundation.log(low), Foundation.log(high)) }
                integer = (Double(a), Double(b))
            }
        }

        /// A value on this scale.
        func working(_ x: Double) -> Double { log ? Foundation.log(x) : x }

        /// The prior kernel's μ and σ: the middle and the whole range.
        var prior: (mu: Double, sigma: Double) { (0.5 * (low + high), high - low) }

        /// The log of a kernel's mass in [low, high] (and of σ, for a density): what does not
        /// depend on x.
        func normalizer(mu m: Double, sigma s: Double) -> Double {
            TruncatedNormal.logMass((low - m) / s, (high - m) / s) + (integer == nil ? Foundation.log(s) : 0)
        }

        /// Each observation's σ from the observations' working values `mus` and the order that
        /// sorts them (stable): the larger gap to its sorted neighbours, the range's ends
        /// included (the first and last use their inner neighbour), clipped to
        /// [range / min(100, n + 2), range].
        func sigmas(_ mus: [Double], order: [Int]) -> [Double] {
            let n = mus.count
            var sorted: [Double] = [low]
            sorted.reserveCapacity(n + 2)
            for i in order { sorted.append(mus[i]) }
            sorted.append(high)
            var sortedSigmas = [Double](repeating: 0, count: n)
            for i in 1..<(sorted.count - 1) {
                let left: Double = sorted[i] - sorted[i - 1], right: Double = sorted[i + 1] - sorted[i]
                sortedSigmas[i - 1] = max(left, right)
            }
            if sorted.count >= 4 {
                sortedSigmas[0] = sorted[2] - sorted[1]
                sortedSigmas[n - 1] = sorted[sorted.count - 2] - sorted[sorted.count - 3]
            }
            let maxSigma = high - low, minSigma = (high - low) / min(100, 1 + Double(n + 1))
            var sigmas = [Double](repeating: 0, count: n)
            for (rank, i) in order.enumerated() { sigmas[i] = min(max(sortedSigmas[rank], minSigma), maxSigma) }
            return sigmas
        }

        /// The kernels of observations with working values `mu` and the σ given (the prior's
        /// appended here), each kernel's normalizer from `normalizer(k)`.
        func kernels(mu observed: [Double], sigma: [Double], normalizer: (Int) -> Double) -> Kernels {
            let (pm, ps) = prior
            let mu = observed + [pm], sigma = sigma + [ps]
            var distinct: (mu: [Double], sigma: [Double], normalizer: [Double], of: [Int])?
            var normalizers = [Double]()
            if integer != nil {
                // Many observations of an integer share μ and σ: the mass is computed once a pair.
                struct Pair: Hashable { let mu: Double, sigma: Double }
                var index = [Pair: Int](), d: (mu: [Double], sigma: [Double], normalizer: [Double], of: [Int]) = ([], [], [], [])
                for k in mu.indices {
                    let pair = Pair(mu: mu[k], sigma: sigma[k])
                    if let i = index[pair] { d.of.append(i); continue }
                    index[pair] = d.mu.count
                    d.of.append(d.mu.count)
                    d.mu.append(mu[k]); d.sigma.append(sigma[k]); d.normalizer.append(normalizer(k))
                }
                distinct = d
            } else {
                normalizers = mu.indices.map(normalizer)
            }
            return .numeric(mu: mu, sigma: sigma, low: low, high: high, log: log, integer: integer, normalizer: normalizers, distinct: distinct)
        }
    }
}
