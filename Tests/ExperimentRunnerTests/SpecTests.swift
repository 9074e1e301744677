import BackpropCore
import ExperimentRunner
import Foundation
import Testing

/// A valid spec with one field replaced, then decoded: the error must name the path.
func specError(_ edit: (inout String) -> Void) -> String? {
    var text = #"""
    {"name": "t", "dataset": {"name": "xor"},
     "model": {"layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 10}}
    """#
    edit(&text)
    do {
        _ = try SweepPlan(json: try JSONParser.parse(text), file: "x.json")
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct SpecTests {
    @Test func aValidSpecDecodesWithDefaults() throws {
        #expect(specError { _ in } == nil)
        let plan = try SweepPlan(json: try JSONParser.parse(#"{"name": "t", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]}, "loss": "sse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 10}}"#), file: "x.json")
        #expect(plan.runs.count == 1)
        #expect(plan.runs[0].id == "seed=0")
        #expect(plan.runs[0].spec.training.batchSize == nil)
        #expect(plan.runs[0].spec.model.initialization == .xavier)
    }

    @Test(arguments: [
        (#""activation": "tanh""#, #""activation": "tahn""#, #"x.json: model.layers[0].activation: unknown activation "tahn" (did you mean "tanh"?)"#),
        (#""learning_rate": 0.5"#, #""learning_rat": 0.5"#, #"x.json: optimizer.learning_rat: unknown key (did you mean "learning_rate"?)"#),
        (#""learning_rate": 0.5"#, #""learning_rate": -1"#, "x.json: optimizer.learning_rate: the learning rate must be positive"),
        (#""epochs": 10"#, #""epochs": "10""#, #"x.json: training.epochs: expected an integer, found the string "10""#),
        (#""epochs": 10"#, #""epochs": 2.5"#, "x.json: training.epochs: expected an integer, found 2.5"),
        (#""name": "xor""#, #""name": "xorr""#, #"x.json: dataset.name: unknown dataset "xorr" (did you mean "xor"?)"#),
        (#""loss": "binary_cross_entropy""#, #""loss": "cross_entropy""#, "x.json: loss: cross_entropy needs a softmax output layer (the output layer is sigmoid)"),
        (#""units": 2,"#, #""units": 0,"#, "x.json: model.layers[0].units: units must be from 1 to 1000000"),
        (#""training": {"epochs": 10}"#, #""training": {"epochs": 10}, "seeds": [1, -1]"#, "x.json: seeds[1]: -1 is not a whole number from 0 to 18446744073709551615"),
    ])
    func errorsNameTheFileAndPath(_ from: String, _ to: String, _ expected: String) {
        #expect(specError { $0 = $0.replacingOccurrences(of: from, with: to) } == expected)
    }

    /// The optimizer, schedule, training and dataset keys of real-data experiments.
    @Test(arguments: [
        (#""learning_rate": 0.5"#, #""name": "adam", "learning_rate": 0.5, "momentum": 0.9"#, "x.json: optimizer.momentum: momentum is a setting of sgd, and this optimizer is adam"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "beta1": 0.9"#, "x.json: optimizer.beta1: beta1 is a setting of adam, and this optimizer is sgd"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "momentum": 1"#, "x.json: optimizer.momentum: momentum must be from 0 up to (not including) 1"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "nesterov": true"#, "x.json: optimizer.nesterov: Nesterov momentum needs a momentum above 0"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "weight_decay": -1"#, "x.json: optimizer.weight_decay: weight_decay must be 0 or more"),
        (#""learning_rate": 0.5"#, #""name": "adam", "learning_rate": 0.5, "epsilon": 0"#, "x.json: optimizer.epsilon: epsilon must be positive"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "schedule": "step""#, #"x.json: optimizer.schedule: the step schedule needs "every" (epochs): {"name": "step", "every": 10, "gamma": 0.5}"#),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "schedule": {"name": "cosin"}"#, #"x.json: optimizer.schedule.name: unknown schedule "cosin" (did you mean "cosine"?)"#),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "schedule": {"name": "step", "every": 0}"#, "x.json: optimizer.schedule.every: every must be at least 1 epoch"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "schedule": {"name": "exponential", "gamma": 2}"#, "x.json: optimizer.schedule.gamma: gamma must be above 0 and at most 1"),
        (#""learning_rate": 0.5"#, #""learning_rate": 0.5, "schedule": {"name": "cosine", "every": 3}"#, "x.json: optimizer.schedule.every: the cosine schedule takes no every"),
        (#""epochs": 10"#, #""epochs": 10, "precision": "float16""#, #"x.json: training.precision: unknown precision "float16" (did you mean "float64"?)"#),
        (#""epochs": 10"#, #""epochs": 10, "early_stopping": {"patience": 5}"#, "x.json: training.early_stopping: early stopping watches the validation loss: set dataset.validation (a fraction such as 0.2)"),
        (#""epochs": 10"#, #""epochs": 10, "early_stopping": {"patience": 0}"#, "x.json: training.early_stopping.patience: patience must be at least 1 epoch"),
        (#""name": "xor""#, #""name": "xor", "normalize": "zscore""#, #"x.json: dataset.normalize: unknown normalization "zscore"; expected one of standard, minmax, none, scale"#),
        (#""name": "xor""#, #""name": "xor", "normalize": {"scale": 0}"#, "x.json: dataset.normalize.scale: the scale divisor must be positive"),
        (#""name": "xor""#, #""name": "xor", "target": "y""#, #"x.json: dataset.target: a named dataset takes no "target""#),
        (#""name": "xor""#, #""csv": "d.csv", "samples": 3"#, #"x.json: dataset.samples: a CSV dataset takes no "samples""#),
        (#""name": "xor""#, #""csv": "d.csv""#, #"x.json: dataset: missing required key "target""#),
        (#""name": "xor""#, #""name": "xor", "directory": "/tmp""#, "x.json: dataset.directory: only fashion-mnist reads a directory"),
        (#""units": 2, "activation": "tanh""#, #""units": 2"#, "x.json: model.layers[0].activation: a layer needs an activation (or set model.activation for every layer that names none)"),
    ])
    func realDataKeysAreChecked(_ from: String, _ to: String, _ expected: String) {
        #expect(specError { $0 = $0.replacingOccurrences(of: from, with: to) } == expected)
    }

    @Test func missingKeysAreNamed() {
        #expect(specError { $0 = $0.replacingOccurrences(of: #""loss": "binary_cross_entropy", "#, with: "") } == #"x.json: missing required key "loss""#)
    }

    @Test func shapesAreCheckedAgainstTheData() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"{"name": "t", "dataset": {"name": "spirals", "classes": 3}, "model": {"layers": [{"units": 2, "activation": "softmax"}]}, "loss": "cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 1}}"#), file: "x.json")
        #expect { _ = try plan.buildData() } throws: {
            "\($0)".contains("x.json: model.layers: the output layer has 2 units but the dataset has 3 classes")
        }
    }
}

@Suite struct SchemaTests {
    /// experiments/spec.schema.json must name the same choices as the code.
    @Test func schemaListsWhatTheCodeAccepts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let schema = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: root + "/experiments/spec.schema.json"))))
        func strings(_ v: JSONValue?) -> [String] {
            guard case let .array(items)? = v else { return [] }
            return items.compactMap { if case let .string(s) = $0 { return s } else { return nil } }
        }
        let properties = schema["properties"]
        #expect(strings(schema["$defs"]?["layer"]?["properties"]?["activation"]?["enum"]) == Activation.allCases.map(\.rawValue))
        #expect(strings(properties?["loss"]?["enum"]) == Loss.allCases.map(\.rawValue))
        #expect(strings(properties?["dataset"]?["properties"]?["name"]?["enum"]) == DatasetSpec.names)
        #expect(strings(properties?["optimizer"]?["properties"]?["name"]?["enum"]) == OptimizerConfiguration.Kind.allCases.map(\.rawValue))
        #expect(strings(properties?["training"]?["properties"]?["precision"]?["enum"]) == TrainingSpec.Precision.allCases.map(\.rawValue))
        func keys(_ v: JSONValue?) -> [String] {
            guard case let .object(members)? = v else { return [] }
            return members.map(\.key).sorted()
        }
        #expect(keys(properties?["dataset"]?["properties"]) == DatasetSpec.keys.sorted())
        #expect(keys(schema["$defs"]?["layer"]?["properties"]) == ModelSpec.layerKeys.sorted())
        #expect(keys(properties?["optimizer"]?["properties"]) == OptimizerConfiguration.keys.sorted())
        #expect(keys(properties?["training"]?["properties"]) == TrainingSpec.keys.sorted())
        guard case let .object(top)? = properties else { Issue.record("no properties"); return }
        #expect(top.map(\.key) == ExperimentSpec.keys)
    }
}

@Suite struct GridOrderTests {
    @Test func anAxisMayNotUndoAnEarlierOne() {
        let error = specError {
            $0 = $0.replacingOccurrences(of: #""training": {"epochs": 10}"#, with: #""training": {"epochs": 10}, "grid": {"model.layers[0].units": [2, 3], "model.layers": [[{"units": 1, "activation": "sigmoid"}]]}"#)
        }
        #expect(error == "x.json: grid.model.layers: replaces model.layers[0].units, which an earlier axis sweeps: put model.layers before it in the grid")
    }

    @Test func sharedActivationSweepsEveryHiddenLayer() throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "t", "dataset": {"name": "xor"}, "model": {"activation": "relu", "layers": [{"units": 3}, {"units": 3}, {"units": 1, "activation": "sigmoid"}]},
             "loss": "sse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 1}, "grid": {"model.activation": ["relu", "tanh"]}}
            """#), file: "x.json")
        #expect(plan.runs.map { $0.spec.model.layers.map(\.activation) } == [[.relu, .relu, .sigmoid], [.tanh, .tanh, .sigmoid]])
    }
}

@Suite struct SizeLimitTests {
    func dataError(_ json: String) -> String? {
        do {
            let plan = try SweepPlan(json: try JSONParser.parse(json), file: "x.json")
            _ = try plan.buildData()
            return nil
        } catch { return "\(error)" }
    }

    /// Sizes that would fail an allocation mid-sweep are spec errors before anything trains.
    @Test func oversizedNetworksAndBatchesAreRejected() {
        #expect(dataError(#"{"name": "t", "dataset": {"name": "xor"}, "model": {"activation": "relu", "layers": [{"units": 20000}, {"units": 20000}, {"units": 1, "activation": "sigmoid"}]}, "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#)
                == "x.json: model.layers: 400100001 parameters: more than backprop trains (100,000,000)")
        #expect(dataError(#"{"name": "t", "dataset": {"name": "moons", "samples": 200000}, "model": {"layers": [{"units": 1000, "activation": "relu"}, {"units": 1, "activation": "sigmoid"}]}, "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#)
                == "x.json: training: a batch of 200000 rows through 1001 units needs more than 4 GB of activations; set a smaller batch_size")
        #expect(specError { $0 = $0.replacingOccurrences(of: #""epochs": 10"#, with: #""epochs": 9223372036854775807"#) }
                == "x.json: training.epochs: epochs must be from 0 to 1000000 (every epoch is a row of metrics.csv)")
    }
}
