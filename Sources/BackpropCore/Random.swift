import RealModule

/// Seeded random numbers that are the same on every platform and Swift version.
///
/// The system generator and the standard library's `random(in:using:)` algorithms are not
/// specified, so backprop draws everything through the functions below, from xoshiro256**
/// (Blackman & Vigna, 2018) seeded by SplitMix64, the seeding its authors recommend.

/// SplitMix64 (Steele, Lea & Flood, 2014): used to expand one 64-bit seed into a state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0: the generator behind every random draw in backprop.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    public var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        state = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    /// Independent streams from one seed: `stream` picks which. Initialisation, shuffling
    /// and data generation each use their own, so that changing one (say the batch size,
    /// which changes how many shuffles are drawn) never changes the initial weights.
    public init(seed: UInt64, stream: RandomStream) {
        self.init(seed: seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03))
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }
}

/// The purposes random numbers are drawn for, each a separate stream of one seed.
public enum RandomStream: UInt64, Sendable {
    case initialization = 1
    case shuffling = 2
    case data = 3
    case split = 4
    case testSplit = 5
    case dropout = 6
}

extension RandomNumberGenerator {
    /// A Double uniform in [0, 1): the top 53 bits of one draw, times 2^-53.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A Double uniform in [low, high).
    public mutating func nextDouble(in low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnitDouble()
    }

    /// An integer uniform in 0..<bound, without bias (Lemire, 2019).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A standard normal draw (Box–Muller, the cosine branch), for data generation.
    public mutating func nextGaussian() -> Double {
        var u1 = nextUnitDouble()
        while u1 == 0 { u1 = nextUnitDouble() }
        let u2 = nextUnitDouble()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }

    /// Fisher–Yates shuffle of `indices` in place, with `nextIndex`.
    public mutating func shuffle(_ indices: inout [Int]) {
        guard indices.count > 1 else { return }
        for i in stride(from: indices.count - 1, to: 0, by: -1) {
            indices.swapAt(i, nextIndex(below: i + 1))
        }
    }
}
