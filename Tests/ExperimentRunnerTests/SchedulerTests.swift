import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

@Suite struct SchedulerTests {
    /// Li et al., "Hyperband", JMLR 18 (2018), Table 1 (R = 81, η = 3): brackets of 81, 34,
    /// 15, 8 and 5 configurations starting at 1, 3, 9, 27 and 81 units; with 143 = their sum,
    /// the plan's configurations fill them exactly.
    @Test func hyperbandBracketsAreThePapers() {
        let brackets = SchedulerSpec(name: .hyperband, minEpochs: 1, reduction: 3).brackets(configurations: 143, epochs: 81)
        #expect(brackets.map(\.configurations.count) == [81, 34, 15, 8, 5])
        #expect(brackets.map(\.rungs) == [[1, 3, 9, 27, 81], [3, 9, 27, 81], [9, 27, 81], [27, 81], [81]])
        #expect(brackets.map(\.configurations.first) == [0, 81, 115, 130, 138])
        // Survivors per rung, as in the table: 81 27 9 3 1; 34 11 3 1; 15 5 1; 8 2; 5.
        let s = SchedulerSpec(name: .hyperband, reduction: 3)
        #expect([81, 27, 9, 3].map(s.survivors) == [27, 9, 3, 1])
        #expect([34, 11, 3].map(s.survivors) == [11, 3, 1])
        #expect([15, 5, 8].map(s.survivors) == [5, 1, 2])
    }

    @Test func successiveHalvingAndMedianRungs() {
        #expect(SchedulerSpec(name: .successiveHalving, minEpochs: 3, reduction: 3).brackets(configurations: 9, epochs: 81)
            == [.init(configurations: Array(0..<9), rungs: [3, 9, 27, 81])])
        #expect(SchedulerSpec(name: .successiveHalving, minEpochs: 2, reduction: 4).brackets(configurations: 4, epochs: 50)
            == [.init(configurations: Array(0..<4), rungs: [2, 8, 32, 50])])
        #expect(SchedulerSpec(name: .median, graceEpochs: 5).brackets(configurations: 3, epochs: 12)
            == [.init(configurations: [0, 1, 2], rungs: [5, 10, 12])])
    }

    /// A hand-made rung: the best ⌊5/2⌋ = 2 go on (NaN is the worst, ties go to the earlier
    /// configuration); median stopping keeps what is not worse than the others' median.
    @Test func promotionsOnAKnownRanking() {
        let scores: [(configuration: Int, value: Double)] = [(0, 0.5), (1, 0.1), (2, 0.3), (3, .nan), (4, 0.3)]
        let halving = SchedulerSpec(name: .successiveHalving, minEpochs: 1, reduction: 2)
        #expect(Sweep.promoted(scores, scheduler: halving, objective: Objective()) == [1, 2])
        #expect(Sweep.promoted(scores.filter { $0.configuration != 3 }, scheduler: halving,
                               objective: Objective(metric: .valAccuracy, mode: .max)) == [0, 2])
        // NaN counts as +∞. Others' medians: for 0, (0.1, 0.3, 0.3, ∞) → 0.3, better than 0.5:
        // it stops; for 1, (0.3, 0.3, 0.5, ∞) → 0.4: goes on; for 2 and 4, (0.1, 0.3, 0.5, ∞)
        // → 0.4: go on; for 3 (∞), (0.1, 0.3, 0.3, 0.5) → 0.3: stops.
        let median = Sweep.promoted(scores, scheduler: SchedulerSpec(name: .median, graceEpochs: 1), objective: Objective())
        #expect(median == [1, 2, 4])
    }

    static let spec = #"""
    {"name": "sh", "dataset": {"name": "moons", "samples": 120, "noise": 0.2, "validation": 0.25},
     "model": {"activation": "tanh", "layers": [{"units": 6}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01}, "training": {"epochs": 27, "batch_size": 16},
     "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.0001, 0.001, 0.01, 0.1, 0.5, 50.0]},
     "scheduler": {"name": "successive_halving", "min_epochs": 3, "reduction": 3}}
    """#

    static func sweep(_ text: String = spec, jobs: Int, root: String) throws -> Sweep.Report {
        let plan = try SweepPlan(json: try JSONParser.parse(text), file: "sh.json")
        return try Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: plan.runs.count))
    }

    /// Six configurations, rungs 3, 9, 27: the best 2 after epoch 3 (by the mean over both
    /// seeds), then the best 1. lr=50 diverges in a seed (the worst) and stops at the first
    /// rung. Every promoted run equals, bit for bit, the same run trained straight through,
    /// and the same sweep at --jobs 1 and --jobs 2 makes the same files.
    @Test func halvingPromotesByTheSeedMeanAndContinuesExactly() throws {
        let root = temporaryDirectory()
        let report = try Self.sweep(jobs: 2, root: root)
        let byConfiguration = Dictionary(grouping: report.results, by: \.run.configurationID)
        func mean(_ id: String, at epoch: Int) -> Double {
            let runs = byConfiguration[id]!
            if runs.contains(where: { $0.status == .diverged }) { return .infinity }
            return runs.map { $0.rows[epoch].record.validationLoss! }.reduce(0, +) / 2
        }
        let ids = ["lr=0.0001", "lr=0.001", "lr=0.01", "lr=0.1", "lr=0.5", "lr=50.0"]
        let first = ids.sorted { mean($0, at: 3) != mean($1, at: 3) ? mean($0, at: 3) < mean($1, at: 3) : ids.firstIndex(of: $0)! < ids.firstIndex(of: $1)! }.prefix(2)
        let second = first.sorted { mean($0, at: 9) < mean($1, at: 9) }.prefix(1)
        for id in ids {
            let statuses = Set(byConfiguration[id]!.map(\.status))
            let epochs = Set(byConfiguration[id]!.map(\.epochs))
            if second.contains(id) {
                #expect(statuses == [.completed] && epochs == [27], "\(id)")
            } else if first.contains(id) {
                #expect(statuses == [.stopped] && epochs == [9], "\(id)")
            } else if id != "lr=50.0" {
                #expect(statuses == [.stopped] && epochs == [3], "\(id)")
            }
        }
        #expect(byConfiguration["lr=50.0"]!.contains { $0.status == .diverged } || Set(byConfiguration["lr=50.0"]!.map(\.epochs)) == [3])
        // The winner against a plain run of its configuration, trained straight to 27.
        let winner = byConfiguration[second.first!]!.first { $0.run.seed == 1 }!
        let plain = try SweepPlan(json: try JSONParser.parse(try String(contentsOfFile: root + "/sh/runs/\(winner.run.id)/config.json", encoding: .utf8)), file: "c.json")
        let data = try plain.buildData()[0]!
        let straight = data.splits.train(plain.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil)!
        #expect(straight.result.rows.map(\.record) == winner.rows.map(\.record))
        #expect(try String(contentsOfFile: root + "/sh/runs/\(winner.run.id)/model.json", encoding: .utf8) == String(decoding: straight.model, as: UTF8.self))
        // No checkpoint is left behind; --jobs 1 makes the same files.
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root).allSatisfy { !$0.hasSuffix("checkpoint.bin") })
        let serial = temporaryDirectory()
        _ = try Self.sweep(jobs: 1, root: serial)
        for file in ["summary.md", "curves.csv"] {
            #expect(try String(contentsOfFile: root + "/sh/" + file, encoding: .utf8) == String(contentsOfFile: serial + "/sh/" + file, encoding: .utf8))
        }
        let md = try String(contentsOfFile: root + "/sh/summary.md", encoding: .utf8)
        #expect(md.contains("successive_halving (min_epochs 3, reduction 3): rungs at epochs 3, 9, 27. 12 of 12 runs started; stopped "))
    }

    @Test(arguments: [
        (#"{"name": "halving"}"#, "sh.json: scheduler.name: unknown scheduler \"halving\"; expected one of successive_halving, hyperband, median"),
        (#"{"name": "successive_halving"}"#, "sh.json: scheduler: missing required key \"min_epochs\""),
        (#"{"name": "successive_halving", "min_epochs": 27}"#, "sh.json: scheduler.min_epochs: min_epochs must be below training.epochs (27): the first rung comes before the end"),
        (#"{"name": "hyperband", "min_epochs": 1, "reduction": 1}"#, "sh.json: scheduler.reduction: reduction must be at least 2"),
        (#"{"name": "median", "min_epochs": 3}"#, "sh.json: scheduler.min_epochs: min_epochs belongs to successive_halving and hyperband"),
    ])
    func badSchedulersAreOneLineErrors(_ scheduler: String, _ message: String) {
        let text = Self.spec.replacingOccurrences(of: #"{"name": "successive_halving", "min_epochs": 3, "reduction": 3}"#, with: scheduler)
        #expect { _ = try SweepPlan(json: try JSONParser.parse(text), file: "sh.json") } throws: { error in "\(error)" == message }
    }

    /// The same sweep as shards, rung step by rung step (what `backprop slurm` submits): each
    /// step replays the earlier decisions from disk; merged, every file equals the one-process run.
    @Test func shardsRungByRungEqualOneProcess() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(Self.spec), file: "sh.json")
        let whole = temporaryDirectory(), sharded = temporaryDirectory()
        _ = try Self.sweep(jobs: 2, root: whole)
        let steps = plan.scheduler!.brackets(configurations: plan.configurationCount, epochs: 27).map(\.rungs.count).max()!
        #expect(steps == 3)
        // A step before the previous one finished is refused, naming a run and the step to run.
        var early = Sweep(plan: plan, jobs: 1, resultsRoot: temporaryDirectory(), gnuplot: nil)
        early.shard = (0, 3)
        early.rung = 1
        #expect(throws: ResultsError.self) { try early.run(progress: Progress(style: .quiet, total: 0)) }
        for step in 0..<steps {
            for i in 0..<3 {
                var sweep = Sweep(plan: plan, jobs: 1, resultsRoot: sharded, gnuplot: nil)
                sweep.shard = (i, 3)
                sweep.rung = step
                _ = try sweep.run(progress: Progress(style: .quiet, total: 0))
            }
        }
        let merged = try SweepReport.forResults(sharded + "/sh", gnuplot: nil).summarize(progress: Progress(style: .quiet, total: 0))
        #expect(merged == (complete: 12, missing: 0))
        for file in ["summary.md", "curves.csv"] {
            #expect(try String(contentsOfFile: sharded + "/sh/" + file, encoding: .utf8) == String(contentsOfFile: whole + "/sh/" + file, encoding: .utf8))
        }
        for run in plan.runs {
            let a = try String(contentsOfFile: "\(whole)/sh/runs/\(run.id)/model.json", encoding: .utf8)
            #expect(try String(contentsOfFile: "\(sharded)/sh/runs/\(run.id)/model.json", encoding: .utf8) == a, "\(run.id)")
        }
    }

    @Test func slurmWritesOneArrayPerRungStep() {
        var job = SlurmJob(executable: "/bin/backprop", spec: "/s.json", overrides: [], results: "/r", name: "sh", shards: 3, runs: 12,
                           arrayParallelism: nil, time: nil, cpusPerTask: 1, partition: nil, outputDirectory: "/o")
        job.rungSteps = 3
        #expect(job.arrayScriptPaths == ["/o/sh.rung0.sbatch", "/o/sh.rung1.sbatch", "/o/sh.rung2.sbatch"])
        let script = job.arrayScript(rung: 2)
        #expect(script.hasSuffix("exec '/bin/backprop' run '/s.json' --shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\" --jobs 1 --results '/r' --rung 2\n"))
        #expect(script.contains("#SBATCH --job-name=backprop-sh-rung2\n#SBATCH --array=0-2\n"))
    }

    /// rungs.csv: a configuration's mean over its seeds at each epoch it reached, empty after
    /// its rung; trials.csv: one row per configuration with its searched values.
    @Test func rungsAndTrialsTablesHoldTheRunsFigures() throws {
        let root = temporaryDirectory()
        let text = Self.spec.replacingOccurrences(of: #""grid": {"optimizer.learning_rate": [0.0001, 0.001, 0.01, 0.1, 0.5, 50.0]}"#,
                                                  with: #""search": {"trials": 6, "space": {"optimizer.learning_rate": {"loguniform": [0.0001, 1.0]}, "model.activation": {"choice": ["tanh", "relu"]}}}"#)
        let report = try Self.sweep(text, jobs: 2, root: root)
        let rungs = CSV.parse(try String(contentsOfFile: root + "/sh/rungs.csv", encoding: .utf8))
        #expect(rungs.count == 1 + 28)
        let stopped = report.results.first { $0.status == .stopped && $0.epochs == 3 }!
        let seeds = report.results.filter { $0.run.configurationIndex == stopped.run.configurationIndex }
        let column = rungs[0].firstIndex(of: stopped.run.configurationID)!
        let mean = seeds.map { $0.rows[3].record.validationLoss! }.reduce(0, +) / Double(seeds.count)
        #expect(Double(rungs[1 + 3][column]) == mean)
        #expect(rungs[1 + 4][column] == "" && rungs[1 + 27][column] == "")
        let trials = CSV.parse(try String(contentsOfFile: root + "/sh/trials.csv", encoding: .utf8))
        #expect(trials[0] == ["configuration", "lr", "act", "act:text", "objective", "finished", "val_loss"])
        #expect(trials.dropFirst().allSatisfy { $0[6] == $0[4] })
        #expect(trials.count == 7 && trials.dropFirst().filter { $0[5] == "1" }.count == 1)
        #expect(trials.dropFirst().allSatisfy { ($0[2] == "0" && $0[3] == "tanh") || ($0[2] == "1" && $0[3] == "relu") })
    }
}
