import BackpropCore
import ExperimentRunner
import Testing

/// Functional ANOVA on a hand-made grid whose decomposition is known.
@Suite struct ImportanceTests {
    /// a in {1, 2}, b in {1, 2, 3}, one seed; the objective is y = 10 + e_a + e_b + i_ab with
    /// main effects e_a = (-1, +1), e_b = (-2, 0, +2) and an interaction i = s_a t_b,
    /// s = (-1, 1), t = (1, -1, 0), whose means over either parameter are 0. Variances: a 1,
    /// b 8/3, the interaction (1 + 1 + 0 + 1 + 1 + 0) / 6 = 2/3; total 13/3. Shares: a 3/13,
    /// b 8/13, interaction 2/13.
    static let plan = try! SweepPlan(json: try! JSONParser.parse(#"""
    {"name": "anova", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "mse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}, "seeds": [0],
     "grid": {"optimizer.learning_rate": [1, 2], "model.layers[0].units": [1, 2, 3]}}
    """#), file: "anova.json")

    static func y(_ a: Int, _ b: Int) -> Double {
        let ea = [-1.0, 1][a], eb = [-2.0, 0, 2][b], s = [-1.0, 1][a], t = [1.0, -1, 0][b]
        return 10 + ea + eb + s * t
    }

    static func results(dropping: Int? = nil) -> [RunResult] {
        plan.runs.filter { $0.configurationIndex != dropping }.map { run in
            let a = run.configurationIndex / 3, b = run.configurationIndex % 3
            let record = EpochRecord(epoch: 1, trainLoss: y(a, b), validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, learningRate: 0.1)
            return RunResult(run: run, status: .completed, message: nil, rows: [MetricsRow(record: record, seconds: 0)], seconds: 0)
        }
    }

    @Test func aFullGridsSharesAreExact() throws {
        let importance = try #require(Importance(plan: Self.plan, ranked: Summary.ranked(Self.results())))
        #expect(importance.exact)
        #expect(importance.main.map(\.parameter) == ["units", "lr"])
        #expect(abs(importance.main[0].share - 8.0 / 13) < 1e-12)
        #expect(abs(importance.main[1].share - 3.0 / 13) < 1e-12)
        #expect(importance.interaction?.parameters == "lr × units")
        #expect(abs(importance.interaction!.share - 2.0 / 13) < 1e-12)
        #expect(importance.markdown.contains("| `units` | 61.54% |"))
        #expect(importance.csv.hasPrefix("parameter,share\nunits,0.6153846153846"))
    }

    @Test func anIncompleteGridIsAnEstimateAndSaysSo() throws {
        let importance = try #require(Importance(plan: Self.plan, ranked: Summary.ranked(Self.results(dropping: 5))))
        #expect(!importance.exact)
        #expect(importance.leftOut == 1)
        #expect(importance.method.hasPrefix("Estimated, without the 1 configuration"))
    }

    @Test func oneParameterOrNoVarianceGivesNoTable() throws {
        var one = Self.plan
        one.axes.removeLast()
        #expect(Importance(plan: one, ranked: []) == nil)
    }

    /// Parallel coordinates: a column per parameter (log10 where it spans a decade, a text's
    /// position in its list), then the objective.
    @Test func parallelAxesPlaceEveryConfiguration() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
        {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "mse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}, "seeds": [0],
         "grid": {"optimizer.learning_rate": [0.01, 0.1, 1], "model.layers[0].units": [1, 2], "model.layers[0].activation": ["tanh", "relu"]}}
        """#), file: "p.json")
        let results = plan.runs.map { run in
            RunResult(run: run, status: .completed, message: nil,
                      rows: [MetricsRow(record: EpochRecord(epoch: 1, trainLoss: Double(run.configurationIndex), validationLoss: nil,
                                                            trainAccuracy: nil, validationAccuracy: nil, learningRate: 0.1), seconds: 0)], seconds: 0)
        }
        let csv = CSV.parse(try #require(AnalysisPlots.parallelCSV(plan, ranked: Summary.ranked(results))))
        let labels = plan.sweptAxes.map(\.label)
        #expect(csv[0] == ["log10(\(labels[0]))", labels[1], labels[2], "objective"])
        #expect(csv.count == 1 + 12)
        // Configuration 0: lr 0.01, units 1, tanh (position 0); configuration 11: lr 1, units 2, relu.
        #expect(csv[1] == ["-2.0", "1.0", "0.0", "0.0"])
        #expect(csv[12] == ["0.0", "2.0", "1.0", "11.0"])
        #expect(AnalysisPlots.parallelScript(plan, ranked: Summary.ranked(results), title: "t", metric: "train_loss", lowerIsBetter: true)!
            .contains("plot for [col=1:4] \"parallel.csv\" skip 1 using col:4 with parallelaxes"))
    }
}
