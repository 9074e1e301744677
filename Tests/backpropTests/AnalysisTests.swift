import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// From sweeps to conclusions: compare, the page across sweeps, the test split with the best
/// configuration's confusion matrix, and the plots of which parameters mattered.
@Suite(.serialized) struct AnalysisTests {
    static let environment = ["BACKPROP_GNUPLOT": "/nonexistent"]
    static let spec = CLI.temporarySpec(#"""
    {"name": "a", "dataset": {"name": "blobs", "samples": 120, "classes": 3, "noise": 1.5, "validation": 0.25, "test": 0.25, "seed": 2},
     "model": {"layers": [{"units": 6, "activation": "tanh"}, {"units": 3, "activation": "softmax"}]},
     "loss": "cross_entropy", "optimizer": {"learning_rate": 0.2}, "training": {"epochs": 10},
     "seeds": [1, 2, 3], "grid": {"optimizer.learning_rate": [0.05, 0.2]}}
    """#)

    /// Sweep a (10 epochs) and b (the same with 40 epochs), side by side.
    static let root: String = {
        let root = temporaryPath("analysis")
        for (name, epochs) in [("a", 10), ("b", 40)] {
            let out = try! CLI.run(["run", spec, "--results", root, "--quiet", "--name", name, "--set", "training.epochs=\(epochs)"], environment: environment)
            precondition(out.status == 0, out.stderr)
        }
        return root
    }()

    func summary(_ name: String) throws -> [[String]] { CSV.parse(try String(contentsOfFile: "\(Self.root)/\(name)/summary.csv", encoding: .utf8)) }

    @Test func compareMatchesConfigurationsAndPairsTheirSeeds() throws {
        let out = try CLI.run(["compare", Self.root + "/a", Self.root + "/b"], environment: Self.environment)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("- `training.epochs: 10 → 40`"), "\(out.stdout)")
        // The paired figures, recomputed here from the two summary.csv files.
        let a = try summary("a"), b = try summary("b")
        let id = a[0].firstIndex(of: "run_id")!, loss = a[0].firstIndex(of: "val_loss")!
        for lr in ["0.05", "0.2"] {
            let differences = (1...3).map { seed in
                Double(b.first { $0[id] == "lr=\(lr),seed=\(seed)" }![loss])! - Double(a.first { $0[id] == "lr=\(lr),seed=\(seed)" }![loss])!
            }
            let wins = differences.filter { $0 < 0 }.count
            let line = try #require(out.stdout.split(separator: "\n").first { $0.hasPrefix("| `lr=\(lr)` |") }, "\(out.stdout)")
            #expect(line.contains("| \(Summary.format(Statistics.mean(differences)!)) ± \(Summary.format(Statistics.standardDeviation(differences)!)) |"), "\(line)")
            #expect(line.contains("| \(wins) of 3 seeds |"))
        }
        #expect(FileManager.default.fileExists(atPath: Self.root + "/compare-a-b/compare.md"))
        #expect(CSV.parse(try String(contentsOfFile: Self.root + "/compare-a-b/compare.csv", encoding: .utf8)).count == 1 + 41)
        // --fail-if-worse: 40 epochs beat 10 here, so a after b is worse, and b after a is not.
        #expect(try CLI.run(["compare", Self.root + "/a", Self.root + "/b", "--fail-if-worse", "--output", temporaryPath("c")]).status == 0)
        #expect(try CLI.run(["compare", Self.root + "/b", Self.root + "/a", "--fail-if-worse", "--output", temporaryPath("c")]).status == 1)
        #expect(try CLI.run(["compare", Self.root + "/a", temporaryPath("none")]).status == 2)
    }

    @Test func aTestSplitIsHeldOutAndTheBestConfigurationIsReportedOnIt() throws {
        let a = try summary("a")
        let testAccuracy = a[0].firstIndex(of: "test_accuracy")!
        #expect(a.dropFirst().allSatisfy { Double($0[testAccuracy]) != nil }, "every run reports its test accuracy")
        let md = try String(contentsOfFile: Self.root + "/a/summary.md", encoding: .utf8)
        #expect(md.contains("## The best configuration on the test set"))
        // 120 rows: 30 test, 30 validation (a quarter of all rows each), stratified: 10 of each class.
        let classes = CSV.parse(try String(contentsOfFile: Self.root + "/a/classes.csv", encoding: .utf8))
        #expect(classes[0] == ["class", "precision", "recall", "f1", "support"])
        #expect(classes[1...3].map { $0[4] } == ["10", "10", "10"])
        #expect(classes[4][0] == "macro avg" && classes[5][0] == "weighted avg")
        let confusion = CSV.parse(try String(contentsOfFile: Self.root + "/a/confusion.csv", encoding: .utf8))
        #expect(confusion.dropFirst().map { Int($0[2])! }.reduce(0, +) == 30)
        // Test rows never overlap validation or training: the validation split sees 30 rows.
        let metrics = try String(contentsOfFile: Self.root + "/a/runs/lr=0.2,seed=1/metrics.csv", encoding: .utf8)
        #expect(!metrics.isEmpty)
    }

    @Test func theResultsPageListsEverySweep() throws {
        let out = try CLI.run(["report", Self.root])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == "2 sweeps: \(Self.root)/index.html\n")
        let html = try String(contentsOfFile: Self.root + "/index.html", encoding: .utf8)
        #expect(html.contains("<a href=\"a/index.html\">a</a>") && html.contains("<a href=\"b/index.html\">b</a>"))
        #expect(html.contains("6 of 6"))
        #expect(!html.contains("<script"))
    }

    @Test func aSweepOfOneParameterPlotsTheObjectiveAgainstIt() throws {
        let parameter = CSV.parse(try String(contentsOfFile: Self.root + "/a/parameter.csv", encoding: .utf8))
        #expect(parameter[0] == ["x", "mean", "std", "min", "max", "n", "lr"])
        #expect(parameter[1][0] == "0.05" && parameter[2][0] == "0.2" && parameter[1][5] == "3" && parameter[2][6] == "0.2")
        #expect(FileManager.default.fileExists(atPath: Self.root + "/a/parameter.gp"))
        // One parameter: no importance table (it would explain everything), no parallel axes.
        #expect(!FileManager.default.fileExists(atPath: Self.root + "/a/importance.csv"))
        #expect(!FileManager.default.fileExists(atPath: Self.root + "/a/parallel.csv"))
    }

    @Test func testAndValidationMustLeaveTrainingRows() throws {
        let out = try CLI.run(["plan", Self.spec, "--set", "dataset.test=0.8"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("dataset.test: test (0.8) and validation (0.25) together leave no training rows"), "\(out.stderr)")
    }

    /// Importance sums its groups in their order, not a dictionary's (which changes from one
    /// process to the next): the same results give the same digits in every process. Four
    /// `summarize` processes write the same importance.csv (before the fix, the last digits
    /// changed between two runs of the same sweep about one time in two).
    @Test func importanceIsTheSameInEveryProcess() throws {
        let spec = CLI.temporarySpec(#"""
        {"name": "i", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "mse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 20}, "seeds": [1, 2],
         "grid": {"optimizer.learning_rate": [0.1, 0.3, 0.9, 2.0], "model.layers[0].units": [1, 2, 3, 5]}}
        """#)
        let out = try CLI.run(["run", spec, "--results", Self.root, "--quiet", "--plots", "none"], environment: Self.environment)
        #expect(out.status == 0, "\(out.stderr)")
        let file = Self.root + "/i/importance.csv"
        let first = try String(contentsOfFile: file, encoding: .utf8)
        #expect(first.hasPrefix("parameter,share\n"))
        for _ in 0..<4 {
            let again = try CLI.run(["summarize", Self.root + "/i"], environment: Self.environment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == first)
        }
    }
}
