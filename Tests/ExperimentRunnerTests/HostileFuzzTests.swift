import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The classes of hostile input that issue 12 found by hand, generated at random: header
/// arithmetic in IDX, enormous grids, very wide layers, truncated or padded compressed data,
/// names with control characters, splits that stratification leaves empty.
@Suite struct HostileFuzzTests {
    let dir = temporaryDirectory()

    @Test func hostileClassesNeverTrap() throws {
        var rng = Xoshiro256StarStar(seed: FuzzTests.seed &+ 2)
        let cases = max(FuzzTests.cases / 5, 60)
        let sizes = [0, 1, 2, 28, 784, 65_535, 1 << 24, Int(Int32.max), 0xFFFF_FFFF]
        let iris = try String(contentsOfFile: packageRoot + "/experiments/data/iris.csv", encoding: .utf8)
        let gz = Array(try Data(contentsOf: URL(fileURLWithPath: writeFile(iris, to: dir + "/iris.csv.gz", gzip: true))))
        for n in 0..<cases {
            switch n % 6 {
            case 0:
                // IDX headers whose sizes overflow or are absurd.
                let rank = 1 + rng.nextIndex(below: 4)
                let dims = (0..<rank).map { _ in sizes[rng.nextIndex(below: sizes.count)] }
                let path = writeFile(idxBytes(dimensions: dims, values: Array(repeating: 7, count: 64)), to: dir + "/idx-\(n)")
                do {
                    let reader = try IDXReader(path: path)
                    if reader.dimensions.count == 1 { _ = try? reader.labels() }
                    #expect(reader.itemSize <= 1 << 24)
                } catch { #expect("\(error)".hasPrefix(path)) }
            case 1:
                // Grids of up to four axes of up to 2,000 values: counted, never expanded past the limit.
                let axes = (0..<(1 + rng.nextIndex(below: 4))).map { k in
                    let count = [1, 10, 100, 2000][rng.nextIndex(below: 4)]
                    return (["dataset.seed", "training.epochs", "model.layers[0].units", "optimizer.learning_rate"][k], count)
                }
                let total = axes.reduce(1) { $0 * $1.1 }
                guard total > SweepPlan.maximumRuns || total <= 10_000 else { continue }
                let grid = axes.map { "\"\($0.0)\": [" + (1...$0.1).map(String.init).joined(separator: ",") + "]" }.joined(separator: ", ")
                let json = #"{"name": "g", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]}, "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}, "grid": {"# + grid + "}}"
                do {
                    let plan = try SweepPlan(json: try JSONParser.parse(json), file: "g.json")
                    #expect(plan.runs.count == total)
                } catch { #expect(total > SweepPlan.maximumRuns, "\(error)") }
            case 2:
                // Very wide layers: the evaluation workspace stays within its budget.
                // (A few inputs only: the network's parameters are allocated, its workspace never.)
                let units = [1, 1000, 100_000, 1_000_000][rng.nextIndex(below: 4)]
                let inputs = [1, 2, 3][rng.nextIndex(below: 3)]
                let perRow = 3 * (units + 1) + inputs + 1
                let rows = Workspace<Double>.evaluationRows(for: Network<Double>(inputs: inputs, architecture: [LayerSpec(units: units, activation: .relu), LayerSpec(units: 1, activation: .sigmoid)], initialization: .uniform(low: 0, high: 0), seed: 0), rows: 10_000)
                #expect(rows >= 1 && (rows == 1 || rows * perRow <= Workspace<Double>.evaluationElements))
            case 3:
                // Compressed data cut short or followed by other bytes: an error, or all of it.
                var bytes = Array(gz.prefix(rng.nextIndex(below: gz.count + 1)))
                if rng.nextIndex(below: 2) == 0 { bytes += (0..<(1 + rng.nextIndex(below: 16))).map { _ in UInt8(rng.nextIndex(below: 256)) } }
                let path = writeFile(bytes, to: dir + "/cut-\(n).csv.gz")
                // Without gzip's two magic bytes (a cut after 0x1F, then other bytes) it is a
                // plain file: its bytes as they are.
                let gzip = bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
                do {
                    let content = try GzipFile.contents(of: path)
                    #expect(content == (gzip ? Array(iris.utf8) : bytes), "\(bytes.count) bytes: \(bytes.prefix(24).map { String($0, radix: 16) })")
                } catch { #expect(gzip && "\(error)".hasPrefix(path), "\(error)") }
            case 4:
                // Names of random bytes, control characters included.
                let name = String(decoding: (0..<(1 + rng.nextIndex(below: 12))).map { _ in UInt8(rng.nextIndex(below: 128)) }, as: UTF8.self)
                let json = #"{"name": "# + JSONValue.string(name).serialized(indent: nil) + #", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]}, "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#
                let plan = try? SweepPlan(json: try JSONParser.parse(json), file: "n.json")
                #expect((plan != nil) == (ExperimentSpec.nameProblem(name) == nil), "\(Array(name.utf8))")
            default:
                // Few rows per class, early stopping: an error before training, or training.
                let classes = 2 + rng.nextIndex(below: 3)
                let labels = (0..<classes).flatMap { c in Array(repeating: c, count: 1 + rng.nextIndex(below: 3)) }
                let inputs = labels.map { "[\(Double($0) + 0.5)]" }.joined(separator: ",")
                let json = #"{"name": "e", "dataset": {"inputs": [\#(inputs)], "targets": \#(labels), "validation": 0.\#(1 + rng.nextIndex(below: 8))}, "model": {"layers": [{"units": \#(classes), "activation": "softmax"}]}, "loss": "cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 3, "early_stopping": {"patience": 1}}}"#
                do {
                    let plan = try SweepPlan(json: try JSONParser.parse(json), file: "e.json")
                    guard let d = try plan.buildData()[0]!.splits as? DataSplits<Double> else { continue }
                    #expect(RunTraining.train(plan.runs[0], d, cancellation: Cancellation()) != nil)
                } catch { #expect("\(error)".hasPrefix("e.json: training.early_stopping: the validation split holds no rows"), "\(error)") }
            }
        }
    }
}
