import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// g grown by a batch's running trials is the estimator built from all of them at once, bit
/// for bit: the same densities everywhere and the same draws from the same stream.
@Suite struct GrowingEstimatorTests {
    static let space: [SearchSpec.Distribution] = [.logUniform(1e-4, 1), .int(2, 256, log: true), .uniform(0, 0.99),
                                                   .int(1, 8, log: false), .choice([.string("relu"), .string("tanh"), .string("sigmoid")])]

    /// A point of `space` from `rng`; with `repeats`, values drawn from a few, so that ties
    /// (equal values, shared μ and σ) are common, as they are for integers and a search that converges.
    static func point(_ rng: inout SplitMix64, repeats: Bool) -> [Double] {
        func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        func few(_ x: Double) -> Double { repeats ? (x * 4).rounded(.down) / 4 : x }
        return [exp(log(1e-4) + few(u()) * -log(1e-4)), (2 + few(u()) * 254).rounded(.down), few(u()) * 0.99,
                (1 + u() * 7.99).rounded(.down), (u() * 2.99).rounded(.down)]
    }

    @Test(arguments: [(0, 0, false), (1, 1, false), (3, 3, true), (20, 3, false), (20, 3, true), (97, 3, true), (98, 3, false), (150, 7, true)])
    func growingIsBuildingAtOnce(fixedCount: Int, runningCount: Int, repeats: Bool) {
        var rng = SplitMix64(seed: UInt64(fixedCount * 31 + runningCount) ^ (repeats ? 0xABC : 0))
        let fixed = (0..<fixedCount).map { _ in Self.point(&rng, repeats: repeats) }
        // Running points on fixed ones' values too: equal values sort after the fixed ones.
        let running = (0..<runningCount).map { i in i % 2 == 0 && !fixed.isEmpty ? fixed[i % fixed.count] : Self.point(&rng, repeats: repeats) }
        let growing = GrowingEstimator(observations: fixed, space: Self.space)
        for k in 0...runningCount {
            let grown = growing.estimator(running: Array(running.prefix(k)))
            let built = ParzenEstimator(observations: fixed + running.prefix(k), space: Self.space)
            let probes = (0..<40).map { _ in Self.point(&rng, repeats: repeats) } + fixed.prefix(5) + running.prefix(k)
            let a = grown.logDensities(probes), b = built.logDensities(probes)
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "fixed \(fixedCount), running \(k)")
            var r1 = SplitMix64(seed: 7), r2 = SplitMix64(seed: 7)
            let s1 = grown.sample(30) { Double(r1.next() >> 11) * 0x1p-53 }, s2 = built.sample(30) { Double(r2.next() >> 11) * 0x1p-53 }
            #expect(s1.map { $0.map(\.bitPattern) } == s2.map { $0.map(\.bitPattern) })
        }
    }
}
