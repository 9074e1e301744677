import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Never lose a result (in process): status files, resume, --force, refusal to mix
/// configurations, locks, --fail-fast, divergence.
@Suite struct ResumeTests {
    static func sweep(_ json: String = SweepTests.tiny, root: String, sets: [String] = [], force: Bool = false,
                      failFast: Bool = false, jobs: Int = 2) throws -> Sweep {
        let plan = try SweepPlan(json: try JSONParser.parse(json), file: "tiny.json", overrides: try sets.map { try Override.parse($0) })
        var s = Sweep(plan: plan, jobs: jobs, resultsRoot: root, gnuplot: nil)
        s.force = force
        s.failFast = failFast
        return s
    }

    static func run(_ sweep: Sweep) async throws -> Sweep.Report {
        try await sweep.run(progress: Progress(style: .quiet, total: sweep.plan.runs.count))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
    func withoutSeconds(_ csv: String) -> [[String]] { CSV.parse(csv).map { Array($0.dropLast()) } }

    @Test func statusIsWrittenAndASecondRunSkipsEverything() async throws {
        let root = temporaryDirectory()
        let first = try await Self.run(try Self.sweep(root: root))
        #expect(first.trained.count == 8 && first.skipped == 0 && first.missing == 0 && !first.interrupted)
        for r in first.trained {
            let status = StatusFile(text: try read(root + "/tiny/runs/\(r.run.id)/status.json"))
            #expect(status?.status == .completed && status?.epochs == 15)
        }
        let summary = try read(root + "/tiny/summary.csv")
        let second = try await Self.run(try Self.sweep(root: root))
        #expect(second.trained.isEmpty && second.skipped == 8 && second.results.count == 8)
        // The summary rebuilt from disk is the same, byte for byte (seconds come from status.json).
        #expect(try read(root + "/tiny/summary.csv") == summary)
    }

    @Test func incompleteRunsTrainAgainAndMatch() async throws {
        let root = temporaryDirectory()
        _ = try await Self.run(try Self.sweep(root: root))
        let id = "lr=1.0,units=6,seed=2", dir = root + "/tiny/runs/" + id
        let before = try read(dir + "/metrics.csv")
        // As a killed process leaves it: no status, a truncated log.
        try FileManager.default.removeItem(atPath: dir + "/status.json")
        try String(before.prefix(100)).write(toFile: dir + "/metrics.csv", atomically: false, encoding: .utf8)
        let again = try await Self.run(try Self.sweep(root: root))
        #expect(again.trained.map(\.run.id) == [id] && again.skipped == 7)
        #expect(withoutSeconds(try read(dir + "/metrics.csv")) == withoutSeconds(before))
        #expect(exists(dir + "/status.json"))
    }

    @Test func forceTrainsEverythingAgain() async throws {
        let root = temporaryDirectory()
        _ = try await Self.run(try Self.sweep(root: root))
        let forced = try await Self.run(try Self.sweep(root: root, force: true))
        #expect(forced.trained.count == 8 && forced.skipped == 0)
    }

    @Test func anotherConfigurationIsRefusedUnlessForced() async throws {
        let root = temporaryDirectory()
        _ = try await Self.run(try Self.sweep(root: root))
        let changed = try Self.sweep(root: root, sets: ["training.epochs=16"])
        do {
            _ = try await Self.run(changed)
            Issue.record("a different configuration was trained into the same folders")
        } catch let error as ResultsError {
            #expect(error.description == "\(root)/tiny/runs/lr=0.01,units=2,seed=1/config.json: holds a different configuration than this spec's run (and 7 more runs); "
                + "results are never mixed: write this variant elsewhere with --name NAME (or --set name=NAME, or another --results folder), or pass --force to train again and replace them")
        }
        // Nothing was touched.
        #expect(try read(root + "/tiny/runs/lr=0.01,units=2,seed=1/metrics.csv").split(separator: "\n").count == 17)
        let forced = try await Self.run(try Self.sweep(root: root, sets: ["training.epochs=16"], force: true))
        #expect(forced.trained.count == 8 && forced.results.allSatisfy { $0.epochs == 16 })
    }

    @Test func aRunLockedByAnotherProcessIsLeftToIt() async throws {
        let root = temporaryDirectory()
        let id = "lr=0.01,units=2,seed=1"
        try FileManager.default.createDirectory(atPath: root + "/tiny/runs/" + id, withIntermediateDirectories: true)
        let fd = open(root + "/tiny/runs/\(id)/.lock", O_CREAT | O_RDWR, 0o644)
        // flock locks belong to the open file description: this one stands for another process.
        #expect(flock(fd, LOCK_EX) == 0)
        let report = try await Self.run(try Self.sweep(root: root))
        #expect(report.busy == 1 && report.trained.count == 7 && report.missing == 1)
        #expect(!exists(root + "/tiny/runs/\(id)/status.json"))
        #expect(try read(root + "/tiny/summary.md").contains("**7 of 8 runs complete**"))
        close(fd)
        let after = try await Self.run(try Self.sweep(root: root))
        #expect(after.trained.map(\.run.id) == [id] && after.missing == 0)
    }

    /// A run whose files cannot be written fails, stops the sweep (the next would meet the
    /// same disk) and says why; once the obstacle is gone, running again trains the rest.
    @Test func aRunThatCannotBeWrittenStopsTheSweep() async throws {
        let root = temporaryDirectory()
        // The first run's metrics.csv cannot be written: a folder stands in its place.
        let id = "lr=0.01,units=2,seed=1"
        try FileManager.default.createDirectory(atPath: root + "/tiny/runs/\(id)/metrics.csv", withIntermediateDirectories: true)
        let report = try await Self.run(try Self.sweep(root: root, jobs: 1))
        #expect(report.failed.map(\.run.id) == [id] && report.trained.count == 1 && !report.interrupted)
        #expect(report.writeError?.path == root + "/tiny/runs/\(id)/metrics.csv")
        #expect(!exists(root + "/tiny/runs/\(id)/status.json"))
        #expect(try read(root + "/tiny/summary.csv").contains(",failed,"))
        try FileManager.default.removeItem(atPath: root + "/tiny/runs/\(id)/metrics.csv")
        let all = try await Self.run(try Self.sweep(root: root, jobs: 1))
        #expect(all.failed.isEmpty && all.trained.count == 8 && all.missing == 0)
    }

    static let exploding = #"""
    {"name": "tiny", "dataset": {"name": "sine", "samples": 40},
     "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "linear"}]},
     "loss": "mse", "optimizer": {"learning_rate": 0.05}, "training": {"epochs": 30, "batch_size": 8},
     "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.05, 100]}}
    """#

    @Test func divergedRunsAreResultsRankedLastAndMarked() async throws {
        let root = temporaryDirectory()
        let report = try await Self.run(try Self.sweep(Self.exploding, root: root))
        let diverged = report.results.filter { $0.status == .diverged }
        #expect(diverged.map(\.run.id) == ["lr=100,seed=1", "lr=100,seed=2"] && report.failed.isEmpty)
        let status = StatusFile(text: try read(root + "/tiny/runs/lr=100,seed=1/status.json"))!
        #expect(status.status == .diverged && status.message!.hasPrefix("loss or parameters not finite after epoch"))
        let ranked = Summary.ranked(report.results)
        #expect(ranked.map(\.configurationID) == ["lr=0.05", "lr=100"])
        // No seed of lr=100 completed: it has no curve, and the page says why it is not drawn.
        #expect(!(try read(root + "/tiny/loss.gp")).contains("lr=100"))
        #expect(try read(root + "/tiny/index.html").contains("2. <code>lr=100</code> (no completed seed)"))
        #expect(try read(root + "/tiny/summary.md").contains("2 diverged"))
        // Diverged runs are complete: a second run skips them too.
        #expect(try await Self.run(try Self.sweep(Self.exploding, root: root)).trained.isEmpty)
    }

    @Test func cancellationAbandonsRunsWithoutAStatus() async throws {
        let root = temporaryDirectory()
        var sweep = try Self.sweep(root: root)
        sweep.cancellation.interrupt()
        let report = try await Self.run(sweep)
        #expect(report.interrupted && report.trained.isEmpty && report.missing == 8)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/tiny/runs")) ?? []
        #expect(runs.allSatisfy { !exists(root + "/tiny/runs/\($0)/status.json") })
    }
}
