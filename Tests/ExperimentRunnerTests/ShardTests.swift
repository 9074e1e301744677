import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Sharding a sweep (Slurm array tasks) and merging the shards.
@Suite struct ShardTests {
    static func sweep(root: String, shard: (Int, Int)? = nil) throws -> Sweep {
        var s = Sweep(plan: try SweepPlan(json: try JSONParser.parse(SweepTests.tiny), file: "tiny.json"), jobs: 1, resultsRoot: root, gnuplot: nil)
        s.shard = shard.map { (index: $0.0, count: $0.1) }
        return s
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func shardsPartitionThePlanInItsStableOrder() throws {
        let shards = try (0..<3).map { try Self.sweep(root: "/unused", shard: ($0, 3)).assignedRuns.map(\.index) }
        #expect(shards == [[0, 3, 6], [1, 4, 7], [2, 5]])
        #expect(try Self.sweep(root: "/unused").assignedRuns.count == 8)
    }

    @Test func shardsWriteOnlyTheirRunsAndSummarizeMergesThem() async throws {
        let root = temporaryDirectory(), whole = temporaryDirectory()
        let dir = root + "/tiny"
        for i in [1, 0] {
            let report = try await Self.sweep(root: root, shard: (i, 3)).run(progress: Progress(style: .quiet, total: 3))
            #expect(report.trained.count == (i == 0 ? 3 : 3) && report.missing == 0)
            // No shard writes a summary; only shard 0 writes spec.json.
            #expect(!exists(dir + "/summary.csv") && exists(dir + "/spec.json") == (i == 0))
        }
        let merged = try SweepReport.forResults(dir, gnuplot: nil)
        let partial = try merged.summarize(progress: Progress(style: .quiet, total: 0))
        #expect(partial == (complete: 6, missing: 2))
        #expect(try read(dir + "/summary.md").contains("**6 of 8 runs complete**"))
        _ = try await Self.sweep(root: root, shard: (2, 3)).run(progress: Progress(style: .quiet, total: 2))
        #expect(try merged.summarize(progress: Progress(style: .quiet, total: 0)) == (complete: 8, missing: 0))
        // The merged summary is the one an unsharded run writes.
        _ = try await Self.sweep(root: whole).run(progress: Progress(style: .quiet, total: 8))
        #expect(try read(dir + "/summary.md") == read(whole + "/tiny/summary.md"))
        func withoutSeconds(_ csv: String) -> [[String]] { CSV.parse(csv).map { r in r.enumerated().filter { $0.offset != r.count - 2 }.map(\.element) } }
        #expect(withoutSeconds(try read(dir + "/summary.csv")) == withoutSeconds(try read(whole + "/tiny/summary.csv")))
    }

    @Test func summarizeNeedsAResultsFolder() {
        #expect(throws: ResultsError.self) { try SweepReport.forResults(temporaryDirectory()) }
    }

    @Test func slurmScripts() {
        let job = SlurmJob(executable: "/opt/backprop/bin/backprop", spec: "/home/a b/exp's.json", overrides: ["training.epochs=5"],
                           results: "/shared/results", name: "moons", shards: 4, runs: 27, arrayParallelism: 2, time: "1:00:00",
                           cpusPerTask: 3, partition: "short", outputDirectory: "/shared/results/moons/slurm")
        let array = job.arrayScript
        #expect(array.hasPrefix("#!/bin/bash\n"))
        for line in ["#SBATCH --array=0-3%2", "#SBATCH --cpus-per-task=3", "#SBATCH --time=1:00:00", "#SBATCH --partition=short",
                     "#SBATCH --output=/shared/results/moons/slurm/moons-%A_%a.out", "#SBATCH --requeue", "#SBATCH --job-name=backprop-moons"] {
            #expect(array.contains(line + "\n"), "\(line)")
        }
        #expect(array.contains("exec '/opt/backprop/bin/backprop' run '/home/a b/exp'\\''s.json' --shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\" --jobs 3 --results '/shared/results' --set 'training.epochs=5'\n"))
        let summary = job.summaryScript
        #expect(summary.contains("exec '/opt/backprop/bin/backprop' summarize '/shared/results/moons'\n"))
        #expect(summary.contains("#SBATCH --partition=short\n") && !summary.contains("--array"))
        // Without the options, no line for them.
        var plain = job
        plain.arrayParallelism = nil
        plain.time = nil
        plain.partition = nil
        #expect(plain.arrayScript.contains("#SBATCH --array=0-3\n") && !plain.arrayScript.contains("--time") && !plain.arrayScript.contains("--partition"))
    }
}
