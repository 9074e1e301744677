import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Status files in groups: none is on disk before its group's flush, every one is after
/// `drain`, and a group costs one flush however many runs it holds.
@Suite struct StatusCommitTests {
    static let plan = try! SweepPlan(json: try! JSONParser.parse(#"""
    {"name": "g", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
     "loss": "mse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}, "seeds": [1, 2, 3]}
    """#), file: "g.json")

    func pending(_ root: String) -> [StatusCommit.Pending] {
        Self.plan.runs.map { run in
            let folder = root + "/runs/" + run.id
            try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return StatusCommit.Pending(folder: RunFolder(path: folder),
                                        result: RunResult(run: run, status: .completed, message: nil, rows: [], seconds: 0.5))
        }
    }

    func statusFiles(_ root: String) -> [StatusFile?] {
        Self.plan.runs.map { run in
            (try? String(contentsOfFile: root + "/runs/\(run.id)/status.json", encoding: .utf8)).flatMap { StatusFile(text: $0) }
        }
    }

    @Test func aGroupWaitsForItsFlushThenAllItsStatusesAreWritten() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let commit = StatusCommit(directory: root, window: 1e9)
        for p in pending(root) { commit.submit(p) }
        #expect(statusFiles(root).allSatisfy { $0 == nil })
        #expect(commit.flushes == 0)
        #expect(commit.drain().isEmpty)
        #expect(commit.flushes == 1)
        #expect(statusFiles(root).map { $0?.status } == [.completed, .completed, .completed])
        #expect(statusFiles(root).map { $0?.seconds } == [0.5, 0.5, 0.5])
    }

    @Test func withNoWindowEachRunIsFlushedAsItEnds() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let commit = StatusCommit(directory: root, window: 0)
        for (i, p) in pending(root).enumerated() {
            commit.submit(p)
            #expect(statusFiles(root).filter { $0 != nil }.count == i + 1)
        }
        #expect(commit.flushes == 3)
    }

    @Test func aStatusThatCannotBeWrittenIsReported() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let commit = StatusCommit(directory: root, window: 1e9)
        var p = pending(root)
        // The second run's folder is a file now: its status.json cannot be written.
        try FileManager.default.removeItem(atPath: root + "/runs/seed=2")
        _ = FileManager.default.createFile(atPath: root + "/runs/seed=2", contents: Data())
        for x in p { commit.submit(x) }
        p.removeAll()
        let failed = commit.drain()
        #expect(Array(failed.keys) == [1])
        #expect(failed[1]?.description.contains("runs/seed=2") == true)
        #expect(statusFiles(root).map { $0 != nil } == [true, false, true])
    }
}
