import BackpropCore

/// A finished trial as a sampler sees it: its values on the estimator's scale (a number as it
/// is, a choice as its index: `SearchSpec.Distribution.internal`) and its objectives, each
/// lower better (a maximised one negated; NaN: it diverged or failed).
public struct FinishedTrial: Sendable {
    public var point: [Double]
    public var losses: [Double]
    /// The first objective's.
    public var loss: Double { losses[0] }
    public init(point: [Double], loss: Double) {
        self.point = point
        losses = [loss]
    }
    public init(point: [Double], losses: [Double]) {
        self.point = point
        self.losses = losses
    }
}

/// What every search sampler is: the trials numbered `first` ..< `first + count`, on the
/// estimator's scale, from the space, the trials finished before them (in trial order) and
/// the seed, nothing else: the same trials whatever `--jobs`, shard or order.
public protocol TrialSampler: Sendable {
    func propose(first: Int, count: Int, finished: [FinishedTrial]) -> [[Double]]
}

/// Independent uniform draws, as Optuna's RandomSampler: SplitMix64 from `seed`, one draw per
/// dimension per trial, trial n taking draws n·d ..< (n + 1)·d of the one stream.
public struct RandomSampler: TrialSampler {
    public var space: [SearchSpec.Distribution]
    public var seed: UInt64

    public init(space: [SearchSpec.Distribution], seed: UInt64) {
        self.space = space
        self.seed = seed
    }

    public func propose(first: Int, count: Int, finished: [FinishedTrial] = []) -> [[Double]] {
        (first..<(first + count)).map(point)
    }

    /// Trial `number`'s values.
    public func point(_ number: Int) -> [Double] {
        var rng = SplitMix64(seed: seed &+ UInt64(number) &* UInt64(space.count) &* 0x9E37_79B9_7F4A_7C15)
        return space.map { $0.internal(of: $0.value(at: Double(rng.next() >> 11) * 0x1p-53)) }
    }
}

/// Sobol's low-discrepancy sequence (Joe & Kuo's direction numbers), scrambled by a random
/// digital shift drawn from `seed`; point 0 (all zeros before the shift) is skipped, as SciPy
/// advises for unscrambled sequences.
public struct SobolSampler: TrialSampler {
    public var space: [SearchSpec.Distribution]
    public var seed: UInt64

    public init(space: [SearchSpec.Distribution], seed: UInt64) {
        self.space = space
        self.seed = seed
    }

    public func propose(first: Int, count: Int, finished: [FinishedTrial] = []) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        let shift = space.map { _ in UInt32(truncatingIfNeeded: rng.next() >> 32) }
        var sobol = Sobol(dimensions: space.count)
        _ = sobol.next()  // point 0: all zeros
        for _ in 0..<first { _ = sobol.next() }
        return (0..<count).map { _ in
            let p = sobol.next()
            return space.indices.map { d in space[d].internal(of: space[d].value(at: Double(p[d] ^ shift[d]) * 0x1p-32)) }
        }
    }
}
