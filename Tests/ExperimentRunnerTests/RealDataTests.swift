import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The runner on real data: CSV files, Fashion-MNIST, early stopping, float32.
@Suite struct RealDataTests {
    static func run(_ file: String, sets: [String] = [], root: String) async throws -> (SweepPlan, [RunResult]) {
        let plan = try SweepPlan.load(file: packageRoot + "/experiments/" + file, overrides: try sets.map { try Override.parse($0) })
        let results = try await Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil)
            .run(progress: Progress(style: .quiet, total: plan.runs.count)).results
        return (plan, results)
    }

    /// Convergence: experiments/iris.json reaches well above 90% validation accuracy on
    /// every seed, with early stopping restoring the best epoch (a fraction of a second).
    @Test func irisConverges() async throws {
        let root = temporaryDirectory()
        let (_, results) = try await Self.run("iris.json", root: root)
        #expect(results.count == 3)
        for r in results {
            #expect(r.status == .completed)
            #expect(r.kept!.validationAccuracy! > 0.9, "\(r.run.id): \(r.kept!.validationAccuracy!)")
            // 150 rows, 20% stratified: 30 validation rows, 10 of each species.
            #expect(r.rows.count == (r.stoppedEpoch ?? 300) + 1)
        }
        let summary = CSV.parse(try String(contentsOfFile: root + "/iris/summary.csv", encoding: .utf8))
        let stopped = summary[0].firstIndex(of: "stopped_epoch")!
        #expect(summary.dropFirst().map { $0[stopped] } == results.map { $0.stoppedEpoch.map(String.init) ?? "" })
    }

    /// float32 trains the same network as float64 (same initial values, rounded), to within
    /// single precision's drift, in half the memory.
    @Test func float32FollowsFloat64() async throws {
        let (_, f64) = try await Self.run("iris.json", sets: ["seeds=[1]", "training.epochs=20"], root: temporaryDirectory())
        let (plan, f32) = try await Self.run("iris.json", sets: ["seeds=[1]", "training.epochs=20", "training.precision=\"float32\""],
                                             root: temporaryDirectory())
        let data = try plan.buildData()[0]!
        guard data.splits is DataSplits<Float> else { Issue.record("not float32"); return }
        for (a, b) in zip(f64[0].rows, f32[0].rows) {
            expectClose(b.record.trainLoss, a.record.trainLoss, tolerance: 1e-4)
        }
        #expect(f64[0].rows.last!.record.trainLoss != f32[0].rows.last!.record.trainLoss)
    }

    /// A small slice of Fashion-MNIST through the whole runner: test metrics reach the summary.
    @Test func fashionMNISTSliceReportsTestAccuracy() async throws {
        let root = temporaryDirectory()
        let (_, results) = try await Self.run("fashion-mnist.json", sets: [
            "dataset.samples=2000", "training.epochs=3", "training.precision=\"float32\"",
            "model.layers=[{\"units\": 32}, {\"units\": 10, \"activation\": \"softmax\"}]",
        ], root: root)
        #expect(results.count == 2)  // the grid's activation axis; the layers axis is fixed by --set
        for r in results {
            #expect(r.test!.accuracy! > 0.6, "\(r.run.id): \(r.test!.accuracy!)")
        }
        let md = try String(contentsOfFile: root + "/fashion-mnist/summary.md", encoding: .utf8)
        #expect(md.contains("test_accuracy (mean)"))
    }
}
