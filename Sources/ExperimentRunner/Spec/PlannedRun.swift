import BackpropCore

/// One run of a sweep: a configuration (one point of the grid) with one seed.
public struct PlannedRun: Sendable {
    /// Position in the stable order: configurations in grid order, seeds innermost.
    public var index: Int
    /// "lr=0.2,units=8,seed=2": the swept values and the seed. Stable and safe as a file name.
    public var id: String
    /// The configuration's id without the seed ("lr=0.2,units=8"; "default" without a grid).
    public var configurationID: String
    public var configurationIndex: Int
    public var seed: UInt64
    /// (axis label, value) for every swept field.
    public var swept: [(label: String, value: JSONValue)]
    /// The resolved single run, as written to config.json: no grid, one seed.
    public var config: JSONValue
    public var spec: ExperimentSpec
    /// The sweep's objective (the same for every run of a plan).
    public var objective = Objective()
    /// The sweep's objectives (the first is `objective`).
    public var objectives = [Objective()]
}

extension PlannedRun {
    /// How this run trains, from its spec and seed.
    public var trainingConfiguration: TrainingConfiguration {
        TrainingConfiguration(epochs: spec.training.epochs, batchSize: spec.training.batchSize, loss: spec.loss,
                              optimizer: spec.optimizer, seed: seed, earlyStopping: spec.training.earlyStopping,
                              diagnostics: spec.training.diagnostics, clipGradNorm: spec.training.clipGradNorm)
    }

    /// The run's starting network: the spec's explicit parameters, or its seeded scheme.
    public func initialNetwork(inputs: Int) -> Network<Double> {
        if let p = spec.model.parameters {
            return Network(inputs: inputs, architecture: spec.model.layers, weightsAndBiases: p.map { (Matrix($0.weights), $0.biases) })
        }
        return Network(inputs: inputs, architecture: spec.model.layers, initialization: spec.model.initialization, seed: seed)
    }
}
