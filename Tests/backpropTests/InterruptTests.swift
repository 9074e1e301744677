import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Kill and resume, as real processes: a sweep stopped part-way by SIGINT (or SIGKILL) and
/// run again ends with exactly the results of a sweep never interrupted.
@Suite(.serialized) struct InterruptTests {
    static let spec = CLI.temporarySpec(#"""
    {"name": "interrupt", "dataset": {"name": "moons", "samples": 400, "noise": 0.2, "validation": 0.25},
     "model": {"layers": [{"units": 32, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1500, "batch_size": 16},
     "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.05, 0.1, 0.2, 0.4]}}
    """#)
    static let ids = [0.05, 0.1, 0.2, 0.4].flatMap { lr in [1, 2].map { "lr=\(lr),seed=\($0)" } }

    static func statusFiles(_ root: String) -> Int {
        ids.filter { FileManager.default.fileExists(atPath: "\(root)/interrupt/runs/\($0)/status.json") }.count
    }

    /// Starts a sweep, waits until `atLeast` runs are complete, sends `signal`, and returns
    /// the exit status and stderr.
    static func interrupted(root: String, signal: Int32, atLeast: Int = 1) throws -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["run", spec, "--results", root, "--jobs", "2"]
        process.environment = ProcessInfo.processInfo.environment.merging(["BACKPROP_GNUPLOT": "/nonexistent"]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while statusFiles(root) < atLeast && Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, signal)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, stderr)
    }

    func withoutSeconds(_ path: String) throws -> [[String]] {
        CSV.parse(try String(contentsOfFile: path, encoding: .utf8)).map { Array($0.dropLast()) }
    }

    /// Every run's metrics (but seconds) and model equal those of the uninterrupted sweep.
    func expectSameResults(_ root: String, as reference: String) throws {
        for id in Self.ids {
            let a = "\(root)/interrupt/runs/\(id)", b = "\(reference)/interrupt/runs/\(id)"
            #expect(try withoutSeconds(a + "/metrics.csv") == withoutSeconds(b + "/metrics.csv"), "\(id)")
            #expect(try String(contentsOfFile: a + "/model.json", encoding: .utf8) == String(contentsOfFile: b + "/model.json", encoding: .utf8))
        }
        let summary = { (r: String) in try self.withoutSeconds(r + "/interrupt/summary.csv").map { Array($0.dropLast()) } }
        #expect(try summary(root) == summary(reference))
    }

    static let reference: String = {
        let root = temporaryPath("reference")
        let out = try! CLI.run(["run", spec, "--results", root, "--jobs", "2"], environment: ["BACKPROP_GNUPLOT": "/nonexistent"])
        precondition(out.status == 0, out.stderr)
        return root
    }()

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsCleanlyAndTheNextRunFinishes(_ signal: Int32) throws {
        let root = temporaryPath("signal")
        let stopped = try Self.interrupted(root: root, signal: signal)
        #expect(stopped.reason == .exit && stopped.status == 130, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("stopping: no new runs start"))
        #expect(stopped.stderr.contains("run the same command again to finish them"))
        let done = Self.statusFiles(root)
        #expect(done >= 1 && done < 8)
        // The summary of what did complete is written, and says what is missing.
        let md = try String(contentsOfFile: root + "/interrupt/summary.md", encoding: .utf8)
        #expect(md.contains("**\(done) of 8 runs complete**"))
        try finishAndCompare(root, skipping: done)
    }

    /// The same command again: it skips the `done` complete runs, trains the rest, and ends
    /// with the uninterrupted sweep's results.
    func finishAndCompare(_ root: String, skipping done: Int) throws {
        let again = try CLI.run(["run", Self.spec, "--results", root, "--jobs", "2"], environment: ["BACKPROP_GNUPLOT": "/nonexistent"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\(done) already complete, skipped"))
        try expectSameResults(root, as: Self.reference)
    }

    @Test func sigkillLosesNothingComplete() throws {
        let root = temporaryPath("sigkill")
        let killed = try Self.interrupted(root: root, signal: SIGKILL, atLeast: 3)
        #expect(killed.reason == .uncaughtSignal && killed.status == SIGKILL)
        try finishAndCompare(root, skipping: Self.statusFiles(root))
    }

    @Test func twoProcessesOnOneFolderShareTheWork() throws {
        let root = temporaryPath("two")
        func start() throws -> (Process, Pipe) {
            let p = Process(), out = Pipe()
            p.executableURL = URL(fileURLWithPath: CLI.executable)
            p.arguments = ["run", Self.spec, "--results", root, "--jobs", "1"]
            p.environment = ProcessInfo.processInfo.environment.merging(["BACKPROP_GNUPLOT": "/nonexistent"]) { $1 }
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            return (p, out)
        }
        let (a, outA) = try start(), (b, outB) = try start()
        let textA = String(decoding: outA.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let textB = String(decoding: outB.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        a.waitUntilExit()
        b.waitUntilExit()
        #expect(a.terminationStatus == 0 && b.terminationStatus == 0)
        // Each run was trained by exactly one of them.
        let trained = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("[") }.map { String($0.split(separator: " ")[1]) } }
        let byA = trained(textA), byB = trained(textB)
        #expect(Set(byA).isDisjoint(with: byB) && Set(byA + byB) == Set(Self.ids), "A: \(byA) B: \(byB)")
        try expectSameResults(root, as: Self.reference)
    }

    @Test func verifyReproducesARunBitForBit() throws {
        let run = Self.reference + "/interrupt/runs/lr=0.2,seed=1"
        let out = try CLI.run(["verify", run])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == "\(run): identical, bit for bit: 1501 epochs of train_loss, val_loss, train_accuracy, val_accuracy, learning_rate, model.json and status (completed)\n")
        // A changed number is found and named.
        let copy = temporaryPath("verify")
        try FileManager.default.copyItem(atPath: Self.reference, toPath: copy)
        let model = copy + "/interrupt/runs/lr=0.2,seed=1/model.json"
        var text = try String(contentsOfFile: model, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"biases\": [", with: "\"biases\": [1e-300, ", options: [], range: text.range(of: "\"biases\": ["))
        try text.write(toFile: model, atomically: true, encoding: .utf8)
        let changed = try CLI.run(["verify", copy + "/interrupt/runs/lr=0.2,seed=1"])
        #expect(changed.status == 1 && changed.stdout.contains("model.json differs"))
    }
}

@Suite struct ExitCodeTests {
    /// A file where a run's folder belongs: one line naming it and what to do, exit 2, and
    /// nothing trained.
    @Test func aFileWhereARunFolderBelongsIsOneLineExitTwo() throws {
        let root = temporaryPath("fail")
        try FileManager.default.createDirectory(atPath: root + "/xor/runs", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: root + "/xor/runs/seed=42", contents: Data())
        let out = try CLI.run(["run", "experiments/xor.json", "--results", root], environment: ["BACKPROP_GNUPLOT": "/nonexistent"])
        #expect(out.status == 2)
        #expect(out.stderr == "backprop: \(root)/xor/runs/seed=42: cannot create the folder: a file stands where a folder belongs; move it or choose another --results folder\n")
        #expect(out.stdout == "")
    }

    @Test func moreThan100000RunsNeedYes() throws {
        let spec = CLI.temporarySpec(#"""
        {"name": "huge", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 0},
         "seeds": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
         "grid": {"optimizer.learning_rate": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                  "training.epochs": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "dataset.seed": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
                  "model.layers[0].units": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}
        """#)
        let out = try CLI.run(["run", spec, "--results", temporaryPath("huge")])
        #expect(out.status == 2)
        #expect(out.stderr == "backprop: \(spec): grid: 110000 runs: more than 100,000; pass --yes to run them all (at most 1000000)\n")
    }

    @Test func badDataIsOneLineExitTwoAndWritesNothing() throws {
        let dir = temporaryPath("baddata")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "x,y\n1,a\nnan,b\n3,b\n".write(toFile: dir + "/d.csv", atomically: true, encoding: .utf8)
        let spec = dir + "/s.json"
        try #"""
        {"name": "bad", "dataset": {"csv": "d.csv", "target": "y"}, "model": {"layers": [{"units": 2, "activation": "softmax"}]},
         "loss": "cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}
        """#.write(toFile: spec, atomically: true, encoding: .utf8)
        for (file, message) in [("d.csv", "d.csv:3:1: \"x\" is \"nan\"; values must be finite"),
                                ("missing.csv", "missing.csv: cannot open: No such file or directory")] {
            if file == "missing.csv" { try String(contentsOfFile: spec, encoding: .utf8).replacingOccurrences(of: "d.csv", with: "missing.csv").write(toFile: spec, atomically: true, encoding: .utf8) }
            let out = try CLI.run(["run", spec, "--results", dir + "/results"])
            #expect(out.status == 2)
            #expect(out.stderr == "backprop: \(dir)/\(message)\n")
            #expect(!FileManager.default.fileExists(atPath: dir + "/results"))
        }
    }
}
