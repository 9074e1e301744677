import ExperimentRunner
import Testing

@Suite struct GridTests {
    static let base = #"""
    {"name": "g", "dataset": {"name": "moons", "samples": 40},
     "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 2},
     "seeds": [7, 8], GRID}
    """#

    static func plan(_ grid: String, overrides: [String] = []) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(base.replacingOccurrences(of: "GRID", with: grid)), file: "g.json",
                      overrides: overrides.map { try Override.parse($0) })
    }

    @Test func cartesianProductTimesSeeds() throws {
        let p = try Self.plan(#""grid": {"optimizer.learning_rate": [0.1, 0.2, 0.4], "model.layers[0].units": [2, 8]}"#)
        #expect(p.configurationCount == 6)
        #expect(p.runs.count == 12)
        #expect(p.runs.prefix(4).map(\.id) == ["lr=0.1,units=2,seed=7", "lr=0.1,units=2,seed=8", "lr=0.1,units=8,seed=7", "lr=0.1,units=8,seed=8"])
        #expect(p.runs.last!.id == "lr=0.4,units=8,seed=8")
        #expect(p.runs[2].spec.model.layers[0].units == 8)
        #expect(p.runs[2].spec.optimizer.learningRate == 0.1)
        #expect(p.runs[2].config["seeds"] == .array([.number("7")]))
        #expect(p.runs[2].config["grid"] == nil)
        // The same spec always gives the same ids.
        #expect(try Self.plan(#""grid": {"optimizer.learning_rate": [0.1, 0.2, 0.4], "model.layers[0].units": [2, 8]}"#).runs.map(\.id) == p.runs.map(\.id))
    }

    @Test func clashingLabelsGrowUntilUnique() throws {
        let p = try Self.plan(#""grid": {"model.layers[0].units": [2], "model.layers[1].units": [5, 6]}"#)
        #expect(p.runs.map(\.id) == ["0.units=2,1.units=5,seed=7", "0.units=2,1.units=5,seed=8", "0.units=2,1.units=6,seed=7", "0.units=2,1.units=6,seed=8"])
    }

    @Test func aWholeLayerListCanBeSwept() throws {
        let p = try Self.plan(#""grid": {"model.layers": [[{"units": 1, "activation": "sigmoid"}], [{"units": 8, "activation": "relu"}, {"units": 1, "activation": "sigmoid"}]]}"#)
        #expect(p.runs.map(\.configurationID) == ["layers=1-sigmoid", "layers=1-sigmoid", "layers=8-relu_1-sigmoid", "layers=8-relu_1-sigmoid"])
        #expect(p.runs[2].spec.model.layers.count == 2)
    }

    @Test(arguments: [
        (#""grid": {"optimizer.learning_rate": [0.1, "fast"]}"#, #"g.json: optimizer.learning_rate: expected a number, found the string "fast" (in the grid configuration lr=fast)"#),
        (#""grid": {"model.layers[5].units": [2]}"#, "g.json: grid.model.layers[5].units: model.layers[5] index 5 is out of range: the array has 3 elements"),
        (#""grid": {"model.nothing.units": [2]}"#, "g.json: grid.model.nothing.units: model.nothing does not exist in the spec"),
        (#""grid": {"optimizer.learning_rat": [0.1]}"#, #"g.json: optimizer.learning_rat: unknown key (did you mean "learning_rate"?) (in the grid configuration learning_rat=0.1)"#),
        (#""grid": {"optimizer.learning_rate": []}"#, "g.json: grid.optimizer.learning_rate: must not be empty"),
        (#""grid": {"seeds": [[1]]}"#, "g.json: grid.seeds: seeds cannot be swept: every configuration already runs once per seed"),
        (#""grid": {"a..b": [1]}"#, "g.json: grid.a..b: not a path like optimizer.learning_rate or model.layers[0].units"),
    ])
    func badAxesAreSpecErrors(_ grid: String, _ expected: String) {
        #expect { _ = try Self.plan(grid) } throws: { "\($0)" == expected }
    }

    @Test func setOverridesAndAddsAxes() throws {
        let p = try Self.plan(#""grid": {"optimizer.learning_rate": [0.1, 0.2]}"#,
                              overrides: ["training.epochs=3", "model.layers[0].activation=relu,tanh", "optimizer.learning_rate=0.3"])
        // A fixed --set replaces the file's axis on the same path; a list adds an axis.
        #expect(p.axes.map(\.label) == ["act"])
        #expect(p.runs.map(\.id) == ["act=relu,seed=7", "act=relu,seed=8", "act=tanh,seed=7", "act=tanh,seed=8"])
        #expect(p.runs.allSatisfy { $0.spec.training.epochs == 3 && $0.spec.optimizer.learningRate == 0.3 })
        #expect(p.specJSON["training"]?["epochs"] == .number("3"))
    }
}

@Suite struct OverrideTests {
    @Test func parsesValuesAsJSONOrText() throws {
        #expect(try Override.parse("optimizer.learning_rate=0.5").values == [.number("0.5")])
        #expect(try Override.parse("loss=mse").values == [.string("mse")])
        #expect(try Override.parse("loss=\"mse\"").values == [.string("mse")])
        #expect(try Override.parse("model.layers[0].units=2,8,32").values == [.number("2"), .number("8"), .number("32")])
        #expect(try Override.parse("x=[1,2]").values == [.array([.number("1"), .number("2")])])
        #expect(try Override.parse("x=[1,2],[3]").values == [.array([.number("1"), .number("2")]), .array([.number("3")])])
        #expect(try Override.parse("model.layers[0].units=4").path.description == "model.layers[0].units")
    }

    @Test(arguments: ["noequals", "=5", "a..b=1", "x=", "x=1,,2", "grid.x=1"])
    func rejectsMalformedArguments(_ argument: String) {
        #expect(throws: SpecError.self) { _ = try Override.parse(argument) }
    }

    /// Ids keep ASCII letters, digits and . _ + -; anything else is one '_' per character
    /// (a CR LF pair is one character, as is an accented letter). Such values are invalid
    /// here, and the error names the configuration by its id.
    @Test(arguments: [("a b/c", "a_b_c"), ("\u{e9}t\u{e9}", "_t_"), ("x\r\ny", "x_y"), ("AZaz09._+-!", "AZaz09._+-_")])
    func unsafeCharactersInIdsBecomeUnderscores(_ value: String, _ label: String) throws {
        let json = JSONValue.string(value).serialized(indent: nil)
        #expect { _ = try GridTests.plan(#""grid": {"model.activation": [\#(json)]}"#) } throws: { error in
            "\(error)".hasSuffix("(in the grid configuration act=\(label))")
        }
    }
}
