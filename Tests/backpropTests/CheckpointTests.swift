import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Mid-run checkpoints as real processes: a run killed by SIGKILL continues from its last
/// checkpoint and ends bit for bit as an uninterrupted run; a damaged checkpoint, or one of
/// another run, is never resumed from.
@Suite(.serialized) struct CheckpointTests {
    /// Mini-batches (the shuffling stream and order are state), Adam (its moments and step
    /// count), batch normalisation (its running statistics) and dropout (its stream),
    /// diagnostics (metrics.csv's extra columns read back), a checkpoint every 2,000 epochs.
    static let spec = CLI.temporarySpec(#"""
    {"name": "ckpt", "dataset": {"name": "moons", "samples": 200, "noise": 0.2, "validation": 0.25},
     "model": {"layers": [{"units": 16, "activation": "relu", "batch_norm": true, "dropout": 0.1}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01},
     "training": {"epochs": 30000, "batch_size": 32, "diagnostics": true, "checkpoint": {"every_epochs": 2000}}, "seeds": [3]}
    """#)
    static let run = "ckpt/runs/seed=3"
    static let environment = ["BACKPROP_GNUPLOT": "/nonexistent"]
    static let noGnuplot = "backprop: warning: gnuplot is not installed (apt-get install gnuplot-nox); the CSVs and .gp scripts are written, run `backprop plot` once it is\n"

    static let reference: String = {
        let root = temporaryPath("ckpt-reference")
        let out = try! CLI.run(["run", spec, "--results", root], environment: environment)
        precondition(out.status == 0, out.stderr)
        return root
    }()

    func withoutSeconds(_ path: String) throws -> [[String]] {
        CSV.parse(try String(contentsOfFile: path, encoding: .utf8)).map { Array($0.dropLast()) }
    }

    func expectSameRun(_ root: String) throws {
        let a = "\(root)/\(Self.run)", b = "\(Self.reference)/\(Self.run)"
        #expect(try withoutSeconds(a + "/metrics.csv") == withoutSeconds(b + "/metrics.csv"))
        #expect(try String(contentsOfFile: a + "/model.json", encoding: .utf8) == String(contentsOfFile: b + "/model.json", encoding: .utf8))
        #expect(!FileManager.default.fileExists(atPath: a + "/checkpoint.bin"), "a complete run keeps no checkpoint")
    }

    /// Starts the run, waits for its first checkpoint, and kills it.
    func killedAfterACheckpoint(_ root: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["run", Self.spec, "--results", root]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        let checkpoint = "\(root)/\(Self.run)/checkpoint.bin"
        while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline { usleep(1_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/\(Self.run)/status.json"), "killed before the end")
    }

    @Test func sigkillThenResumeEqualsAnUninterruptedRun() throws {
        let root = temporaryPath("ckpt-kill")
        try killedAfterACheckpoint(root)
        let again = try CLI.run(["run", Self.spec, "--results", root], environment: Self.environment)
        #expect(again.status == 0 && again.stderr == Self.noGnuplot, "\(again.stderr)")
        let resumed = again.stdout.split(separator: "\n").first { $0.hasPrefix("seed=3: resuming after epoch ") }
        #expect(resumed != nil, "\(again.stdout)")
        let epoch = resumed.flatMap { Int($0.split(separator: " ")[4]) } ?? 0
        #expect(epoch > 0 && epoch % 2000 == 0 && epoch < 30000)
        try expectSameRun(root)
    }

    @Test func aDamagedCheckpointIsIgnoredWithAWarning() throws {
        let root = temporaryPath("ckpt-damaged")
        try killedAfterACheckpoint(root)
        let path = "\(root)/\(Self.run)/checkpoint.bin"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let again = try CLI.run(["run", Self.spec, "--results", root], environment: Self.environment)
        #expect(again.status == 0)
        #expect(again.stderr == Self.noGnuplot + "backprop: warning: \(path): damaged (checksum mismatch); the run starts over\n")
        #expect(!again.stdout.contains("resuming"))
        try expectSameRun(root)
    }

    /// Another run's checkpoint (same network, another seed) put in this run's folder.
    @Test func anotherRunsCheckpointIsRefused() throws {
        let root = temporaryPath("ckpt-other")
        try killedAfterACheckpoint(root)
        let other = temporaryPath("ckpt-other-seed")
        let otherSpec = try String(contentsOfFile: Self.spec, encoding: .utf8).replacingOccurrences(of: #""seeds": [3]"#, with: #""seeds": [4]"#)
        try otherSpec.write(toFile: other + ".json", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["run", other + ".json", "--results", other]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let theirs = other + "/ckpt/runs/seed=4/checkpoint.bin"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: theirs) && Date() < deadline { usleep(1_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let mine = "\(root)/\(Self.run)/checkpoint.bin"
        try FileManager.default.removeItem(atPath: mine)
        try FileManager.default.copyItem(atPath: theirs, toPath: mine)
        let again = try CLI.run(["run", Self.spec, "--results", root], environment: Self.environment)
        #expect(again.status == 0)
        #expect(again.stderr == Self.noGnuplot + "backprop: warning: \(mine): belongs to another configuration or other data; the run starts over\n")
        try expectSameRun(root)
    }

    /// A halving sweep killed part-way (after its first stopped run) and run again ends with
    /// exactly the files of an uninterrupted one: every decision is recomputed from disk.
    @Test func aKilledHalvingSweepFinishesAsAnUninterruptedOne() throws {
        let spec = CLI.temporarySpec(#"""
        {"name": "sh", "dataset": {"name": "moons", "samples": 200, "noise": 0.2, "validation": 0.25},
         "model": {"activation": "tanh", "layers": [{"units": 8}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01},
         "training": {"epochs": 4000, "batch_size": 16, "checkpoint": {"every_epochs": 500}},
         "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]},
         "scheduler": {"name": "successive_halving", "min_epochs": 500, "reduction": 2}}
        """#)
        let reference = temporaryPath("sh-reference"), root = temporaryPath("sh-killed")
        let whole = try CLI.run(["run", spec, "--results", reference, "--jobs", "2"], environment: Self.environment)
        #expect(whole.status == 0, "\(whole.stderr)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["run", spec, "--results", root, "--jobs", "2"]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        func stopped() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/sh/runs")) ?? []).filter {
                (try? String(contentsOfFile: root + "/sh/runs/\($0)/status.json", encoding: .utf8))?.contains("\"stopped\"") == true
            }.count
        }
        while stopped() < 1 && Date() < deadline { usleep(1_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "killed before the sweep ended")
        #expect(!FileManager.default.fileExists(atPath: root + "/sh/summary.md"))
        let again = try CLI.run(["run", spec, "--results", root, "--jobs", "2"], environment: Self.environment)
        #expect(again.status == 0, "\(again.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: reference + "/sh/runs").sorted()
        #expect(runs.count == 12)
        for id in runs {
            let a = "\(root)/sh/runs/\(id)", b = "\(reference)/sh/runs/\(id)"
            #expect(try withoutSeconds(a + "/metrics.csv") == withoutSeconds(b + "/metrics.csv"), "\(id)")
            #expect(try String(contentsOfFile: a + "/model.json", encoding: .utf8) == String(contentsOfFile: b + "/model.json", encoding: .utf8))
        }
        let summary = { (r: String) in try String(contentsOfFile: r + "/sh/summary.md", encoding: .utf8) }
        #expect(try summary(root) == summary(reference))
    }
}
