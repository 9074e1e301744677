/// g of a TPE batch: the Parzen estimator of fixed observations (the finished trials not
/// among the best) with the batch's earlier proposals added as trials still running, made
/// for each proposal of the batch. `estimator(running:)` is `ParzenEstimator(observations:
/// fixed + running)` exactly (same kernels, same order, same numbers; tested); what depends
/// on the fixed observations alone is made once: their values on each dimension's working
/// scale, their sorted order (the running ones are merged into it, not sorted with it), and
/// the normaliser of every kernel whose σ the running trials leave where it was (only a
/// running trial's neighbours move, and, below 98 observations, the clipping's lower bound).
public struct GrowingEstimator: Sendable {
    let space: [SearchSpec.Distribution]
    /// How many fixed observations there are.
    let fixedCount: Int
    enum Dimension: Sendable {
        /// The fixed observations' working values, the order that sorts them (stable), and
        /// each one's σ and normaliser among the fixed observations alone.
        case numeric(scale: ParzenEstimator.Scale, mus: [Double], order: [Int], sigma: [Double], normalizer: [Double], prior: Double)
        /// The fixed observations' choices (a choice's kernels cost no more than copying them).
        case choice([Double])
    }
    let dimensions: [Dimension]

    public init(observations: [[Double]], space: [SearchSpec.Distribution]) {
        self.space = space
        fixedCount = observations.count
        dimensions = space.indices.map { d in
            guard let scale = ParzenEstimator.Scale(space[d]) else { return .choice(observations.map { $0[d] }) }
            let mus = observations.map { scale.working($0[d]) }
            let order = zip(mus, mus.indices).sorted { $0.0 < $1.0 }.map(\.1)
            let sigma = scale.sigmas(mus, order: order)
            let (pm, ps) = scale.prior
            return .numeric(scale: scale, mus: mus, order: order, sigma: sigma,
                            normalizer: mus.indices.map { scale.normalizer(mu: mus[$0], sigma: sigma[$0]) },
                            prior: scale.normalizer(mu: pm, sigma: ps))
        }
    }

    /// The estimator of the fixed observations, then `running`, in that order.
    public func estimator(running: [[Double]]) -> ParzenEstimator {
        let n0 = fixedCount, all = n0 + running.count
        let kernels = space.indices.map { d -> ParzenEstimator.Kernels in
            switch dimensions[d] {
            case let .choice(values):
                return ParzenEstimator.categorical(values + running.map { $0[d] }, space[d])
            case let .numeric(scale, fixedMus, fixedOrder, fixedSigma, fixedNormalizer, prior):
                let mus = fixedMus + running.map { scale.working($0[d]) }
                // The running ones in their own stable order, merged after every fixed one of an
                // equal value (as a stable sort of all of them orders them: by value, then index).
                let extra = (n0..<all).sorted { mus[$0] < mus[$1] || (mus[$0] == mus[$1] && $0 < $1) }
                var order = [Int]()
                order.reserveCapacity(all)
                var i = 0, j = 0
                while i < fixedOrder.count || j < extra.count {
                    if j == extra.count || (i < fixedOrder.count && !(mus[extra[j]] < mus[fixedOrder[i]])) {
                        order.append(fixedOrder[i]); i += 1
                    } else {
                        order.append(extra[j]); j += 1
                    }
                }
                let sigma = scale.sigmas(mus, order: order)
                return scale.kernels(mu: mus, sigma: sigma) { k in
                    if k == all { return prior }
                    if k < n0, sigma[k] == fixedSigma[k] { return fixedNormalizer[k] }
                    return scale.normalizer(mu: mus[k], sigma: sigma[k])
                }
            }
        }
        return ParzenEstimator(count: all, kernels: kernels)
    }
}
