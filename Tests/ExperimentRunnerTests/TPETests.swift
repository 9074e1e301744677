import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// TPE's estimators and choices for a fixed history equal Optuna's own: the reference values
/// come from `optuna.samplers._tpe.parzen_estimator._ParzenEstimator` (Optuna 5.1.0, NumPy 2.4.6),
/// printed by scripts/tpe_reference.py (its history: 40 trials over a log-uniform real, a
/// log-scaled integer, a uniform real and a choice of three, split as TPESampler splits it).
@Suite struct TPETests {
    static let space: [SearchSpec.Distribution] = [.logUniform(1e-4, 1), .int(2, 256, log: true), .uniform(0, 0.99),
                                                   .choice([.string("relu"), .string("tanh"), .string("sigmoid")])]
    /// (learning rate, units, momentum, activation index, loss), in trial order.
    static let history: [(Double, Double, Double, Double, Double)] = [
        (0.0002019450244810229, 2, 0.7721196043177134, 0, 4.088588046051417),
        (0.0017062829878430163, 39, 0.26123213064751966, 1, 1.283390629869511),
        (0.00019418001640357854, 76, 0.26575459030085247, 2, 4.206889213096147),
        (0.05210986937158464, 113, 0.7957016457433317, 0, 1.0709060995774036),
        (0.0037305188559998374, 150, 0.6675871187095652, 2, 1.40604293879114),
        (0.434884682155233, 187, 0.21125150004411636, 1, 4.122712561354539),
        (0.5225318469373278, 224, 0.2599579323429631, 0, 4.203771797187233),
        (0.025246179740589205, 6, 0.9406282054095092, 0, 0.8879232577097611),
        (0.0004968337116743803, 43, 0.7828558764609477, 2, 2.341467781631939),
        (0.00034093986357473663, 80, 0.5181784548670282, 0, 2.6954006091871503),
        (0.002690921100550543, 117, 0.19142206715848542, 0, 1.3882050134380297),
        (0.0006597757684493768, 154, 0.4858582302001597, 0, 2.245374319670039),
        (0.6382537504733388, 191, 0.34526881189816805, 1, 4.538956424926483),
        (0.22473565355202207, 228, 0.7609610314543142, 0, 2.6962159730715665),
        (0.019520967147978602, 10, 0.27328855784738815, 1, 1.1805798263251177),
        (0.0025817457084339143, 47, 0.6508254681519606, 0, 0.574310376911066),
        (0.005412135442853568, 84, 0.41456965341316093, 1, 0.9244301214962614),
        (0.4223700126484404, 121, 0.17864710301065478, 2, 4.238886952668954),
        (0.01037099859792112, 158, 0.6170232655706709, 2, 1.2714603472921135),
        (0.004176343708829254, 195, 0.6605881590495982, 1, 1.1833126202716864),
        (0.13394979526920195, 232, 0.6777826347142372, 2, 2.676773249413462),
        (0.6635494476750942, 14, 0.6760847158316633, 0, 3.7271538700124682),
        (0.02346274114802573, 51, 0.23276920318488967, 2, 1.284104956738187),
        (0.0003754153817401947, 88, 0.4434253037714725, 1, 2.878305797875195),
        (0.007749897974315539, 125, 0.8330619477494133, 0, 0.6064713671408383),
        (0.01349678644925675, 162, 0.039249631601321916, 2, 1.959806148497139),
        (0.092765994058328, 199, 0.4809669764218077, 0, 1.9024171566670416),
        (0.05367941872050798, 236, 0.4969042541174732, 1, 1.7598985264214349),
        (0.1390806693696889, 18, 0.9418227796312626, 1, 1.7578305568702537),
        (0.0062012984052034256, 55, 0.767151372055877, 2, 0.7951201308512297),
        (0.006877743262404231, 92, 0.10890547585505232, 2, 1.6093229488318042),
        (0.1296744474675729, 129, 0.8784160623342074, 1, 2.0422789723365553),
        (0.3193746484061694, 166, 0.26549272432714877, 1, 3.5780311241807556),
        (0.00014541969778501752, 203, 0.8669150076213824, 1, 4.3766487583445075),
        (0.0008557808044466886, 240, 0.1740215919821958, 1, 2.738961571804874),
        (0.07395523630830764, 22, 0.1456760962222761, 0, 1.4862820659620755),
        (0.00018923796974570052, 59, 0.35349992206935016, 1, 3.732155717039744),
        (0.007887488770693804, 96, 0.9341414325971594, 0, 0.487276008072745),
        (0.08177962835568135, 133, 0.8130153322234939, 1, 1.657072201116091),
        (0.011313683025423774, 170, 0.17664149721007238, 1, 1.4489381939641253)]

    static let points: [[Double]] = [[0.01, 32, 0.9, 0], [0.0003, 2, 0, 2], [0.5, 256, 0.5, 1], [0.012, 30, 0.88, 0], [1e-4, 7, 0.99, 1], [0.05, 100, 0.7, 2]]

    static func observations(_ n: Int) -> [TPESampler.Observation] {
        history.prefix(n).map { TPESampler.Observation(point: [$0.0, $0.1, $0.2, $0.3], loss: $0.4) }
    }

    @Test(arguments: [
        (15, [-6.748936877228074, -6.892014033182072, -11.056391496906567, -6.641358540279357, -7.945290493887083, -9.196908122927764],
             [-11.016158214614713, -8.43297704833863, -8.098894065703739, -10.942680819609308, -9.646256447464436, -9.416343079863037], 3),
        (40, [-6.180602307094537, -7.403693476375578, -12.162066169008623, -6.217973582329902, -8.634285978457322, -8.392296583818402],
             [-8.856289453311385, -9.249082748286359, -10.828422864588894, -8.680886831249309, -10.492574396054378, -12.778974474908344], 5),
    ])
    func densitiesAndChoiceEqualOptunas(_ n: Int, _ below: [Double], _ above: [Double], _ chosen: Int) {
        let sampler = TPESampler(space: Self.space, seed: 0, startupTrials: 10)
        let (l, g) = sampler.estimators(finished: Self.observations(n))
        for (i, x) in Self.points.enumerated() {
            expectClose(l.logDensity(x), below[i], tolerance: 1e-12)
            expectClose(g.logDensity(x), above[i], tolerance: 1e-12)
        }
        #expect(Self.points[...].best(below: l, above: g) == Self.points[chosen])
    }
}

/// A TPE search run as a sweep: batch by batch, the same trials whatever `--jobs`, after an
/// interruption, and when its folder is summarized; a finished one reruns to nothing.
@Suite struct TPESearchTests {
    static let spec = #"""
    {"name": "tpe", "dataset": {"name": "moons", "samples": 120, "noise": 0.2, "seed": 0, "validation": 0.25},
     "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 20, "batch_size": 16}, "seeds": [1],
     "grid": {"model.layers[0].activation": ["tanh", "relu"]},
     "search": {"sampler": "tpe", "trials": 14, "batch": 3, "startup_trials": 5, "seed": 2,
                "space": {"optimizer.learning_rate": {"loguniform": [0.001, 3]}, "model.layers[0].units": {"int": [1, 32], "log": true},
                          "optimizer.momentum": {"uniform": [0, 0.9]}}}}
    """#

    static func run(_ root: String, jobs: Int) async throws -> Sweep.Report {
        let plan = try SweepPlan(json: try JSONParser.parse(spec), file: "tpe.json")
        return try await Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 0))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func theSameTrialsWhateverTheJobsAndAfterAnInterruption() async throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        let first = try await Self.run(a, jobs: 1)
        #expect(first.results.count == 14 * 2 && first.trained.count == 28 && first.missing == 0)
        _ = try await Self.run(b, jobs: 2)
        let trials = try read(a + "/tpe/trials.csv")
        #expect(try read(b + "/tpe/trials.csv") == trials)
        #expect(CSV.parse(trials).count == 1 + 14 * 2)
        // The grid's field is a column too, and the plot reads the objective after it.
        #expect(CSV.parse(trials)[0] == ["configuration", "lr", "units", "momentum", "act", "objective", "finished", "val_loss"])
        #expect(try read(a + "/tpe/trials.gp").contains("($7 == 1 ? $6 : NaN)"))
        // The optimisation history: every configuration in the search's order, and the running
        // minimum of their objectives (the spec's is the validation loss, lower better).
        let history = CSV.parse(try read(a + "/tpe/history.csv"))
        #expect(history[0] == ["configuration", "id", "objective", "best_so_far"] && history.count == 1 + 28)
        var running = Double.infinity
        for (k, row) in history.dropFirst().enumerated() {
            #expect(row[0] == String(k + 1) && row[1].hasPrefix("trial=\(k / 2),"))
            if let v = Double(row[2]) { running = min(running, v) }
            #expect(Double(row[3]) == running)
        }
        // Killed during batch 3 (trials 9-11): the later trials were never proposed, one run of
        // the batch is cut short (no status.json), another never started.
        let runs = try FileManager.default.contentsOfDirectory(atPath: b + "/tpe/runs")
        for id in runs {
            let trial = Int(id.split(separator: ",")[0].dropFirst("trial=".count))!
            if trial >= 11 { try FileManager.default.removeItem(atPath: b + "/tpe/runs/" + id) }
            if trial == 10 && id.contains("relu") { try FileManager.default.removeItem(atPath: b + "/tpe/runs/" + id + "/status.json") }
        }
        let again = try await Self.run(b, jobs: 2)
        #expect(again.trained.count == 7)  // trial 10's relu run, then trials 11-13, two configurations each
        #expect(try read(b + "/tpe/trials.csv") == trials)
        // A finished search reruns to nothing, and summarize replays every batch from disk.
        let rerun = try await Self.run(b, jobs: 2)
        #expect(rerun.trained.isEmpty && rerun.skipped == 28)
        let summary = try read(b + "/tpe/summary.md")
        _ = try SweepReport.forResults(b + "/tpe", gnuplot: nil).summarize(progress: Progress(style: .quiet, total: 0))
        #expect(try read(b + "/tpe/summary.md") == summary)
    }

    /// On shards, batch by batch (as `backprop slurm` chains its arrays): each shard proposes
    /// the batch again from the runs on disk, and the merged folder is the single process's.
    /// A batch asked for before the one before it is complete is refused, naming it.
    @Test func theSameTrialsOnShardsBatchByBatch() async throws {
        let single = temporaryDirectory(), sharded = temporaryDirectory()
        defer { for d in [single, sharded] { try? FileManager.default.removeItem(atPath: d) } }
        _ = try await Self.run(single, jobs: 2)
        let plan = try SweepPlan(json: try JSONParser.parse(Self.spec), file: "tpe.json")
        func shard(_ i: Int, batch k: Int) async throws -> Sweep.Report {
            var sweep = Sweep(plan: plan, jobs: 1, resultsRoot: sharded, gnuplot: nil)
            sweep.shard = (i, 3)
            sweep.searchBatch = k
            return try await sweep.run(progress: Progress(style: .quiet, total: 0))
        }
        _ = try await shard(0, batch: 0)
        do {
            _ = try await shard(0, batch: 1)
            Issue.record("batch 1 proposed before batch 0 was complete")
        } catch let error as SpecError {
            #expect(error.message.hasPrefix("--batch 1 cannot be proposed yet: batch 0 has 4 runs not complete"), "\(error)")
        }
        var trained = 2  // shard 0 of batch 0: runs 0 and 3 of its 6
        for i in 1..<3 { trained += try await shard(i, batch: 0).trained.count }
        for k in 1..<5 {
            for i in 0..<3 {
                let report = try await shard(i, batch: k)
                #expect(report.missing == 0 && report.results.allSatisfy { $0.run.configurationIndex / 2 >= 3 * k })
                trained += report.trained.count
            }
        }
        #expect(trained == 28)
        _ = try SweepReport.forResults(sharded + "/tpe", gnuplot: nil).summarize(progress: Progress(style: .quiet, total: 0))
        #expect(try read(sharded + "/tpe/trials.csv") == read(single + "/tpe/trials.csv"))
        #expect(try read(sharded + "/tpe/summary.md") == read(single + "/tpe/summary.md"))
    }

    /// Learning from the trials: on a known objective (the distance of log lr from log 0.05 and
    /// of the momentum from 0.8), TPE's proposals after its random start come far closer to the
    /// optimum than the random sampler's trials of the same seed.
    @Test func proposalsConcentrateWhereTheObjectiveIsLow() {
        let space: [SearchSpec.Distribution] = [.logUniform(1e-4, 1), .uniform(0, 0.99), .choice([.string("a"), .string("b")])]
        func loss(_ p: [Double]) -> Double { pow(Foundation.log10(p[0]) - Foundation.log10(0.05), 2) + pow(p[1] - 0.8, 2) + (p[2] == 0 ? 0 : 0.3) }
        let sampler = TPESampler(space: space, seed: 11, startupTrials: 10)
        var finished = [TPESampler.Observation]()
        while finished.count < 60 {
            for p in sampler.propose(first: finished.count, count: 4, finished: finished) { finished.append(.init(point: p, loss: loss(p))) }
        }
        let tpe = finished[30...].map(\.loss), random = (30..<60).map { loss(sampler.randomPoint($0)) }
        let meanTPE = tpe.reduce(0, +) / 30, meanRandom = random.reduce(0, +) / 30
        #expect(meanTPE < meanRandom / 3, "TPE \(meanTPE), random \(meanRandom)")
        #expect(finished.map(\.loss).min()! < random.min()!)
    }
}
