import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Pareto fronts, hypervolumes and multi-objective TPE's split.
@Suite struct ParetoTests {
    /// Random points, some equal in an objective (values on a grid of 0.1) and some equal outright.
    static func points(_ n: Int, objectives: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in (0..<objectives).map { _ in Double(rng.next() % 20) / 10 } }
    }

    /// The ranks against their definition, checked by brute force over every pair: a point of
    /// rank 0 is dominated by none; a point of rank r > 0 is dominated by one of rank r − 1
    /// and by none of rank r or more.
    @Test(arguments: [(2, 1), (2, 2), (3, 3), (4, 4), (5, 5)])
    func ranksMeetTheirDefinitionOnRandomPoints(_ objectives: Int, _ seed: UInt64) {
        for n in [1, 2, 7, 40, 150] {
            let p = Self.points(n, objectives: objectives, seed: seed &* 31 &+ UInt64(n))
            let rank = ParetoFront.ranks(p)
            func dominatesBrute(_ a: [Double], _ b: [Double]) -> Bool {
                zip(a, b).allSatisfy { $0 <= $1 } && zip(a, b).contains { $0 < $1 }
            }
            for i in p.indices {
                let dominators = p.indices.filter { dominatesBrute(p[$0], p[i]) }
                #expect(dominators.allSatisfy { rank[$0] < rank[i] }, "point \(i) of \(n)")
                if rank[i] > 0 { #expect(dominators.contains { rank[$0] == rank[i] - 1 }, "point \(i) of \(n)") }
            }
            #expect(ParetoFront.front(p) == p.indices.filter { i in !p.indices.contains { dominatesBrute(p[$0], p[i]) } })
        }
    }

    /// The hypervolume against inclusion–exclusion over every subset (exact, and independent of
    /// the slicing): Σ over nonempty S of (−1)^(|S|+1) Π_k (r_k − max_{p∈S} p_k).
    @Test(arguments: [2, 3, 4])
    func hypervolumeEqualsInclusionExclusion(_ objectives: Int) {
        for seed in 0..<5 as Range<UInt64> {
            let p = Self.points(9, objectives: objectives, seed: seed + 100)
            let reference = [Double](repeating: 2.2, count: objectives)
            var brute = 0.0
            for mask in 1..<(1 << p.count) {
                let members = p.indices.filter { mask & (1 << $0) != 0 }
                let corner = (0..<objectives).map { k in members.map { p[$0][k] }.max()! }
                brute += (members.count % 2 == 1 ? 1 : -1) * zip(reference, corner).map { $0 - $1 }.reduce(1, *)
            }
            expectClose(Hypervolume.of(p, reference: reference), brute, tolerance: 1e-9)
        }
        // By hand: (0,2) and (1,1) and (2,0) under (3,3): 3·1 + 2·1 + 1·1 = 6.
        #expect(Hypervolume.of([[0, 2], [1, 1], [2, 0]], reference: [3, 3]) == 6)
    }

    /// Multi-objective TPE's good trials and the good estimator's densities equal Optuna's:
    /// values from scripts/motpe_reference.py (Optuna 5.1.0, NumPy 2.4.6:
    /// `_split_complete_trials_multi_objective`, `_ParzenEstimator` with each good trial
    /// weighted 1, `compute_hypervolume`). 30 trials of 2 objectives, the second maximised
    /// (its front of 2, then one of rank 1 by hypervolume), and 40 of 3 (4 of a front of 6).
    @Test func motpeSplitAndDensitiesEqualOptunas() {
        let space: [SearchSpec.Distribution] = [.logUniform(1e-3, 1), .uniform(0, 1)]
        let sampler = TPESampler(space: space, seed: 0, startupTrials: 10)
        let points: [[Double]] = [[0.01, 0.5], [0.3, 0.9], [0.002, 0.1]]
        let cases: [(history: [(Double, Double, [Double])], negate: [Double], below: [Int], density: [Double], hypervolume: Double, reference: [Double])] = [
            (Self.history30, [1, -1], [9, 21, 26], [-2.4410944529609413, -1.2985365570024594, -3.392056442798542], 13.93, [3.7, 0.9]),
            (Self.history40, [1, 1, 1], [6, 10, 17, 39], [-1.5814947381029507, -2.414173352689636, -1.9654488448888967], 52.992999999999995, [3.9, 3.9, 4.0]),
        ]
        for c in cases {
            let finished = c.history.map { TPESampler.Observation(point: [$0.0, $0.1], losses: zip($0.2, c.negate).map { $0 * $1 }) }
            let (l, _) = sampler.estimators(finished: finished)
            #expect(TPESampler.goodTrialNumbers(finished) == c.below)
            for (i, x) in points.enumerated() { expectClose(l.logDensity(x), c.density[i], tolerance: 1e-12) }
            expectClose(Hypervolume.of(finished.map(\.losses), reference: c.reference), c.hypervolume, tolerance: 1e-12)
        }
    }

    static let history30: [(Double, Double, [Double])] = [
        (0.017826497151386938, 0.7203244934421581, [0.0, 0.9]),
        (0.002755926764027375, 0.0923385947687978, [0.6, 1.0]),
        (0.015498955191377133, 0.538816734003357, [1.3, 2.1]),
        (0.004105412016858891, 0.8781174363909454, [0.1, 2.0]),
        (0.017861355197625956, 0.5586898284457517, [0.4, 0.6]),
        (0.25248390936170995, 0.9682615757193975, [0.9, 2.1]),
        (0.4257625486011379, 0.8946066635038473, [0.3, 0.1]),
        (0.003232148147351274, 0.8781425034294131, [0.3, 1.3]),
        (0.7475987911298643, 0.5331652849730171, [2.1, 0.9]),
        (0.11468398705751574, 0.8346256718973729, [0.1, 2.3]),
        (0.9259408975542383, 0.7481656543798394, [0.8, 2.4]),
        (0.0020402247877617874, 0.44789352617590517, [2.7, 0.9]),
        (0.007300053042915259, 0.13002857211827767, [0.1, 2.0]),
        (0.004314041792135616, 0.2655466593722262, [1.5, 0.2]),
        (0.05276583516949846, 0.14672857490581015, [1.8, 2.1]),
        (0.002027698063881497, 0.4140559878195683, [2.1, 1.2]),
        (0.0014120834949706207, 0.5358964059155116, [2.0, 1.5]),
        (0.6819998324673497, 0.5865550405019929, [2.7, 0.4]),
        (0.0026171525740054232, 0.8073912887095238, [1.2, 0.5]),
        (0.6060741222490681, 0.34776585974550656, [2.3, 2.2]),
        (0.4465995422700481, 0.6236722070556089, [2.3, 1.0]),
        (0.006453327048461239, 0.8958862181960668, [1.3, 2.9]),
        (0.09779676598453176, 0.6216957202091218, [0.3, 2.8]),
        (0.02237362735740844, 0.5783896143871318, [1.2, 0.7]),
        (0.5130250385596953, 0.5736794866722859, [0.0, 1.9]),
        (0.009548490169590062, 0.5270581022576093, [2.7, 1.1]),
        (0.5316250698200585, 0.6233601157918027, [0.0, 2.8]),
        (0.11821994488747958, 0.9973228504514805, [0.5, 0.4]),
        (0.627749519716231, 0.6968181614899002, [0.2, 2.3]),
        (0.18265373839075127, 0.9230245355464833, [2.1, 0.4])]

    static let history40: [(Double, Double, [Double])] = [
        (0.00463425058329488, 0.8707323061773764, [0.6, 2.8, 1.5]),
        (0.06842764422737327, 0.7659078564803156, [1.6, 0.9, 0.6]),
        (0.0017467220646110863, 0.73844029619897, [1.3, 0.5, 2.6]),
        (0.006641396148565795, 0.4142350190810513, [0.9, 1.9, 1.7]),
        (0.06306488234999448, 0.26581911753550724, [0.9, 0.8, 1.0]),
        (0.0027070289603102708, 0.1656128612012676, [2.9, 2.9, 0.6]),
        (0.0011828227932650698, 0.20455554637995066, [2.1, 2.3, 0.1]),
        (0.05407400967295432, 0.001642172716045276, [1.5, 1.9, 3.0]),
        (0.005988151634984133, 0.8024968852628702, [2.6, 2.8, 0.0]),
        (0.025613275170562288, 0.9814687376060105, [1.2, 2.4, 1.6]),
        (0.2053819445465717, 0.484931074988458, [0.1, 0.3, 0.3]),
        (0.005671988414208864, 0.964915292526365, [1.9, 2.4, 1.7]),
        (0.08055056977400268, 0.8119023911804106, [2.8, 2.7, 2.5]),
        (0.0019169385734584341, 0.3610484184638091, [0.1, 1.6, 2.4]),
        (0.001423732534006304, 0.18866773579310792, [1.1, 0.7, 2.4]),
        (0.011383735785611087, 0.6388776820603653, [1.5, 1.8, 2.8]),
        (0.6770492261645181, 0.11169242718357142, [2.5, 1.0, 0.3]),
        (0.014132766973465655, 0.5103547973392479, [2.9, 1.1, 0.0]),
        (0.3794203855082098, 0.11111074954036526, [1.4, 2.5, 1.5]),
        (0.021868726028172657, 0.8004764207505697, [0.1, 1.7, 1.2]),
        (0.9024234934406166, 0.8014015304110701, [0.2, 0.6, 1.4]),
        (0.12847724976496258, 0.3320481495356774, [1.1, 2.8, 2.9]),
        (0.01671310670830689, 0.8985711548847233, [1.0, 0.2, 1.6]),
        (0.09605791878580237, 0.8929842943552984, [2.9, 2.3, 2.3]),
        (0.13494199982556207, 0.7015528325813724, [2.3, 2.9, 1.1]),
        (0.001774856842108809, 0.23964043961222492, [0.7, 1.1, 2.4]),
        (0.001514567068324341, 0.44974355789655607, [2.4, 0.8, 0.2]),
        (0.005325041745567817, 0.0850704617502156, [2.4, 0.5, 0.6]),
        (0.2779239891051687, 0.8102855291824956, [1.8, 2.7, 0.2]),
        (0.7852174109234659, 0.5709752168558058, [0.9, 2.5, 2.0]),
        (0.9109705226284619, 0.10748953357509894, [1.7, 1.4, 2.0]),
        (0.005315904402488098, 0.031130063418406073, [1.6, 1.1, 2.7]),
        (0.023880135365281555, 0.4186541000368995, [1.9, 1.6, 2.9]),
        (0.23282539244746664, 0.4966955091225945, [0.6, 1.8, 2.2]),
        (0.185178897360504, 0.9935040079326672, [0.7, 1.3, 1.3]),
        (0.009035232093923536, 0.36533301893440306, [1.4, 1.6, 0.8]),
        (0.002529829098292616, 0.3018860977327299, [0.4, 1.0, 2.0]),
        (0.06368299319396667, 0.997225466562922, [1.7, 1.6, 1.9]),
        (0.1514844700390711, 0.6158135395184953, [1.8, 1.8, 1.1]),
        (0.21485525679061687, 0.6046033142332834, [0.9, 0.7, 0.2])]
}
