import BackpropCore
import BackpropData
import Testing

/// A loop paused and resumed from its state, even through a fresh loop, continues bit for
/// bit as one that never stopped: every record, every diagnostic, the final parameters and
/// the outcome.
@Suite struct TrainingLoopTests {
    static let data: (Dataset<Double>, Dataset<Double>) = {
        let moons = SyntheticData.moons(samples: 60, noise: 0.2, seed: 5)
        let all = Dataset<Double>(inputs: moons.inputs, labels: moons.labels, classes: 2, outputs: 1)
        let (training, validation) = all.split(validationFraction: 0.25, seed: 1)
        return (training, validation!)
    }()

    static let configurations: [(String, TrainingConfiguration)] = [
        ("full batch, SGD", TrainingConfiguration(epochs: 30, loss: .binaryCrossEntropy, optimizer: OptimizerConfiguration(learningRate: 0.5), seed: 1)),
        ("mini-batch, momentum, cosine", TrainingConfiguration(epochs: 30, batchSize: 8, loss: .binaryCrossEntropy,
            optimizer: OptimizerConfiguration(learningRate: 0.3, momentum: 0.9, nesterov: true, schedule: .cosine(minimum: 0.01)), seed: 2)),
        ("mini-batch, Adam, weight decay, diagnostics", TrainingConfiguration(epochs: 30, batchSize: 7, loss: .binaryCrossEntropy,
            optimizer: OptimizerConfiguration(kind: .adam, learningRate: 0.02, weightDecay: 1e-3), seed: 3, diagnostics: true)),
        ("early stopping", TrainingConfiguration(epochs: 200, batchSize: 5, loss: .binaryCrossEntropy,
            optimizer: OptimizerConfiguration(kind: .adam, learningRate: 0.2), seed: 4, earlyStopping: EarlyStopping(patience: 3))),
    ]

    static func network() -> Network<Double> {
        Network(inputs: 2, architecture: [LayerSpec(units: 6, activation: .relu), LayerSpec(units: 1, activation: .sigmoid)],
                initialization: .xavier, seed: 9)
    }

    @Test(arguments: [3, 0, 17])
    func pausedAndResumedEqualsStraight(_ pause: Int) {
        let (training, validation) = Self.data
        for (name, configuration) in Self.configurations {
            var straight = [Epoch]()
            let whole = TrainingLoop(configuration: configuration, network: Self.network(), data: training, validation: validation)
            let outcome = whole.run { straight.append($0); return true }

            var resumed = [Epoch]()
            let first = TrainingLoop(configuration: configuration, network: Self.network(), data: training, validation: validation)
            var end = first.run(until: pause) { resumed.append($0); return true }
            if end == nil {
                #expect(first.epoch == pause, "\(name)")
                let second = TrainingLoop(configuration: configuration, network: Self.network(), resuming: first.state,
                                          data: training, validation: validation)
                end = second.run { resumed.append($0); return true }
                #expect(second.network.parameters == whole.network.parameters, "\(name)")
            }
            #expect(end == outcome, "\(name)")
            #expect(resumed.map(\.record) == straight.map(\.record), "\(name)")
            #expect(resumed.map(\.diagnostics) == straight.map(\.diagnostics), "\(name)")
        }
    }

    /// Early stopping ends the straight run before 200 epochs; pausing past its end changes nothing.
    @Test func earlyStoppingEndsBeforeTheLastEpoch() {
        let (training, validation) = Self.data
        let loop = TrainingLoop(configuration: Self.configurations[3].1, network: Self.network(), data: training, validation: validation)
        guard case let .earlyStopped(epoch, best)? = loop.run(onEpoch: { _ in true }) else { Issue.record("did not stop early"); return }
        #expect(epoch < 200 && epoch - best == 3)
    }
}
