import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Synchronization
import Testing
import TestSupport

/// checkpoint.bin files with a valid checksum whose fields do not fit the run (issue 27,
/// class 4): each is ignored with a warning naming what is wrong, and the run starts over and
/// ends exactly as a run that never had a checkpoint.
@Suite struct CraftedCheckpointTests {
    /// Adam (two buffers and a step count), mini-batches (a row order), early stopping (a
    /// best state), batch normalisation (running statistics) and dropout (its stream): every
    /// field of a checkpoint is in use.
    static let spec = #"""
    {"name": "ck", "dataset": {"name": "moons", "samples": 40, "validation": 0.25},
     "model": {"layers": [{"units": 3, "activation": "tanh", "batch_norm": true, "dropout": 0.2}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.05},
     "training": {"epochs": 8, "batch_size": 8, "early_stopping": {"patience": 50}, "checkpoint": {"every_epochs": 1}}, "seeds": [1]}
    """#

    final class Captured: Sendable {
        let written = Mutex<[[UInt8]]>([])
        let warnings = Mutex<[String]>([])
    }

    let plan: SweepPlan
    let data: any TrainingData
    let identity = "fnv1a64:test\n{\"run\": 1}"

    init() throws {
        plan = try SweepPlan(json: try JSONParser.parse(Self.spec), file: "ck.json")
        data = try plan.buildData()[0]!.splits
    }

    func file(_ existing: [UInt8]?, _ captured: Captured) -> CheckpointFile {
        CheckpointFile(path: "ck/checkpoint.bin", existing: existing, identity: { [identity] in identity },
                       write: { b in captured.written.withLock { $0.append(b) } }, warn: { w in captured.warnings.withLock { $0.append(w) } })
    }

    /// A real checkpoint after epoch 4, decoded.
    func saved() throws -> Checkpoint.Saved<Double> {
        let captured = Captured()
        _ = data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: file(nil, captured), until: 4)
        let bytes = try #require(captured.written.withLock { $0.last })
        let parameters = Network<Double>.parameterCount(inputs: 2, architecture: plan.runs[0].spec.model.layers)
        return try Checkpoint.decode(bytes, as: Double.self, identity: identity, parameters: parameters, rows: data.trainingCount).get()
    }

    static func metrics(_ r: RunResult) -> [EpochRecord] { r.rows.map(\.record) }

    @Test(arguments: [
        "epoch 99 is outside 0...8", "epoch -1 is outside 0...8",
        "optimizer buffers that do not fit the optimizer and the network", "no step count for Adam",
        "a row order that is not a permutation of the training rows", "a row order of 29 rows for 30",
        "an early-stopping state that does not fit the run", "an early-stopping state where the run has one",
        "5 running statistics where the network has 6", "running statistics that are not finite",
        "a dropout stream state of zeros (xoshiro256** never leaves it)",
    ])
    func aCraftedCheckpointIsIgnoredAndTheRunStartsOver(_ problem: String) throws {
        var s = try saved()
        switch problem {
        case "epoch 99 is outside 0...8": s.state.epoch = 99
        case "epoch -1 is outside 0...8": s.state.epoch = -1
        case "optimizer buffers that do not fit the optimizer and the network": s.state.optimizerBuffers[1].removeLast()
        case "no step count for Adam": s.state.optimizerSteps = nil
        case "a row order that is not a permutation of the training rows": s.state.order[1] = s.state.order[0]
        case "a row order of 29 rows for 30": s.state.order.removeLast()
        case "an early-stopping state that does not fit the run": s.state.earlyStopping!.bestEpoch = 7
        case "5 running statistics where the network has 6": s.state.statistics.removeLast()
        case "running statistics that are not finite": s.state.statistics[4] = .nan
        case "a dropout stream state of zeros (xoshiro256** never leaves it)": s.state.dropout = (0, 0, 0, 0)
        default: s.state.earlyStopping = nil
        }
        let crafted = Checkpoint.encode(s.state, identity: identity, seconds: s.seconds, metrics: s.metrics)
        let captured = Captured()
        let resumed = try #require(data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: file(crafted, captured), until: nil))
        let fresh = try #require(data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil))
        let warnings = captured.warnings.withLock { $0 }
        // The decoder's own length checks catch the shorter ones before the state is checked.
        let expected = problem == "a row order of 29 rows for 30" || problem == "optimizer buffers that do not fit the optimizer and the network" || problem == "epoch -1 is outside 0...8"
            ? ["ck/checkpoint.bin: damaged (its lengths do not add up); the run starts over"]
            : ["ck/checkpoint.bin: damaged (\(problem)); the run starts over"]
        #expect(warnings == expected)
        #expect(Self.metrics(resumed.result) == Self.metrics(fresh.result))
        #expect(resumed.model == fresh.model)
    }

    /// The untouched checkpoint resumes, and ends as the uninterrupted run does, bit for bit.
    @Test func theRealCheckpointResumes() throws {
        let s = try saved()
        let captured = Captured()
        let bytes = Checkpoint.encode(s.state, identity: identity, seconds: s.seconds, metrics: s.metrics)
        let resumed = try #require(data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: file(bytes, captured), until: nil))
        let fresh = try #require(data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil))
        #expect(captured.warnings.withLock { $0 }.isEmpty)
        #expect(Self.metrics(resumed.result) == Self.metrics(fresh.result) && resumed.model == fresh.model)
    }

    /// A checkpoint written before batch normalisation and dropout ("BPCKPT01": no running
    /// statistics, no dropout stream) still resumes a run that has neither.
    @Test func aVersionOneCheckpointResumes() throws {
        let plain = try SweepPlan(json: try JSONParser.parse(Self.spec.replacingOccurrences(of: #", "batch_norm": true, "dropout": 0.2"#, with: "")), file: "ck.json")
        let data = try plain.buildData()[0]!.splits
        let captured = Captured()
        _ = data.train(plain.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: file(nil, captured), until: 4)
        let v2 = try #require(captured.written.withLock { $0.last })
        // Version 1 is version 2 without the best statistics (a count of 0), the statistics (a
        // count of 0) and the dropout state (4 numbers), which sit just before metrics.csv.
        let saved = try Checkpoint.decode(v2, as: Double.self, identity: identity, parameters: 13, rows: data.trainingCount).get()
        let metricsStart = v2.count - 8 - saved.metrics.utf8.count - 8
        let earlyStoppingEnd = metricsStart - 8 - 32  // the statistics' count, the dropout state
        var v1 = Array("BPCKPT01".utf8) + v2[8..<(earlyStoppingEnd - 8)] + v2[metricsStart..<(v2.count - 8)]
        v1 = Checkpoint.withChecksum(v1)
        let decoded = try Checkpoint.decode(v1, as: Double.self, identity: identity, parameters: 13, rows: data.trainingCount).get()
        #expect(decoded.state.parameters == saved.state.parameters && decoded.state.order == saved.state.order && decoded.metrics == saved.metrics)
        let resumed = try #require(data.train(plain.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: file(v1, captured), until: nil))
        let fresh = try #require(data.train(plain.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil))
        #expect(captured.warnings.withLock { $0 }.isEmpty)
        #expect(Self.metrics(resumed.result) == Self.metrics(fresh.result) && resumed.model == fresh.model)
    }

    /// Every field mutated at random, behind a valid checksum: never a trap, always a run
    /// that ends as the fresh one (resumed or started over).
    @Test func randomlyMutatedCheckpointsNeverTrap() throws {
        let s = try saved()
        let fresh = try #require(data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil))
        let original = Checkpoint.encode(s.state, identity: identity, seconds: s.seconds, metrics: s.metrics)
        var rng = Xoshiro256StarStar(seed: FuzzTests.seed &+ 7)
        let deadline = Date().addingTimeInterval(FuzzTests.seconds)
        var n = 0
        while n < max(FuzzTests.cases / 5, 40) && Date() < deadline {
            n += 1
            var body = Array(original.dropLast(8))
            for _ in 0..<(1 + rng.nextIndex(below: 4)) {
                let i = 9 + rng.nextIndex(below: body.count - 9)
                switch rng.nextIndex(below: 3) {
                case 0: body[i] = UInt8(rng.nextIndex(below: 256))
                case 1: body[i] ^= 0x80
                default: body[i] = [0x00, 0xFF, 0x7F, 0x01][rng.nextIndex(below: 4)]
                }
            }
            let crafted = Checkpoint.withChecksum(body)
            let captured = Captured()
            guard let result = data.train(plan.runs[0], cancellation: Cancellation(), clock: Stopwatch(), checkpoints: file(crafted, captured), until: nil) else {
                Issue.record("no result"); continue
            }
            // A mutated parameter or moment is a different run from there on (nothing can tell);
            // a rejected file starts over and must equal the fresh run.
            if !captured.warnings.withLock({ $0 }).isEmpty { #expect(result.model == fresh.model) }
            #expect(captured.warnings.withLock { $0 }.allSatisfy { $0.hasPrefix("ck/checkpoint.bin: ") && !$0.contains("\n") })
        }
    }
}
