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
    let fixed: [[Double]]
    struct Dimension: Sendable {
        let scale: ParzenEstimator.Scale
        /// The fixed observations' working values, the order that sorts them (stable), and
        /// each one's σ and normaliser among the fixed observations alone.
        let mus: [Double], order: [Int], sigma: [Double], normalizer: [Double]
        let prior: Double
    }
    /// nil for a choice (its kernels cost no more than copying them).
    let dimensions: [Dimension?]

    public init(observations: [[Double]], space: [SearchSpec.Distribution]) {
        self.space = space
        fixed = observations
        dimensions = space.indices.map { d in
            guard let scale = ParzenEstimator.Scale(space[d]) else { return nil }
            let mus = observations.map { scale.working($0[d]) }
            let order = zip(mus, mus.indices).sorted { $0.0 < $1.0 }.map(\.1)
            let sigma = scale.sigmas(mus, order: order)
            let (pm, ps) = scale.prior
            return Dimension(scale: scale, mus: mus, order: order, sigma: sigma,
                             normalizer: mus.indices.map { scale.normalizer(mu: mus[$0], sigma: sigma[$0]) },
                             prior: scale.normalizer(mu: pm, sigma: ps))
        }
    }

    /// The estimator of the fixed observations, then `running`, in that order.
    public func estimator(running: [[Double]]) -> ParzenEstimator {
        let n0 = fixed.count, all = n0 + running.count
        let kernels = space.indices.map { d -> ParzenEstimator.Kernels in
            guard let dim = dimensions[d] else { return ParzenEstimator.categorical((fixed + running).map { $0[d] }, space[d]) }
            let scale = dim.scale
            let mus = dim.mus + running.map { scale.working($0[d]) }
            // The running ones in their own stable order, merged after every fixed one of an
            // equal value (as a stable sort of all of them orders them: by value, then index).
            let extra = (n0..<all).sorted { mus[$0] < mus[$1] || (mus[$0] == mus[$1] && $0 < $1) }
            var order = [Int]()
            order.reserveCapacity(all)
            var i = 0, j = 0
            while i < dim.order.count || j < extra.count {
                if j == extra.count || (i < dim.order.count && !(mus[extra[j]] < mus[dim.order[i]])) {
                    order.append(dim.order[i]); i += 1
                } else {
                    order.append(extra[j]); j += 1
                }
            }
            let sigma = scale.sigmas(mus, order: order)
            return scale.kernels(mu: mus, sigma: sigma) { k in
                if k == all { return dim.prior }
                if k < n0, sigma[k] == dim.sigma[k] { return dim.normalizer[k] }
                return scale.normalizer(mu: mus[k], sigma: sigma[k])
            }
        }
        return ParzenEstimator(count: all, kernels: kernels)
    }
}
