import BackpropCore
import Testing
import TestSupport

/// Seed 000 (shared/seeds/000_a2b4e020b266439b.txt): XOR, 2-2-1 sigmoid, sse, lr 0.1,
/// full batch, 10,000 epochs, from the script's own np.random.seed(42) weights.
@Suite struct XORReproductionTests {
    static let initial = Network<Double>(
        inputs: 2, architecture: [LayerSpec(units: 2, activation: .sigmoid), LayerSpec(units: 1, activation: .sigmoid)],
        weightsAndBiases: [
            (Matrix([[0.3745401188473625, 0.9507143064099162], [0.7319939418114051, 0.5986584841970366]]),
             [0.05808361216819946, 0.8661761457749352]),
            (Matrix([[0.15601864044243652], [0.15599452033620265]]), [0.6011150117432088]),
        ])
    static let xor = Dataset<Double>(inputs: Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]), targets: Matrix([[0], [1], [1], [0]]))

    // Reference: the seed's script run with NumPy 2.4.6 (Python 3.11), then one more forward
    // pass with the final weights (the script's own `final_output` is the forward pass
    // *before* its last update: [0.06029012305123665, 0.9444722199003842, 0.9443669994791755,
    // 0.05997169269714798]).
    static let referenceOutputs = [0.06028403490133598, 0.9444784005976045, 0.9443731977856975, 0.05996464530429651]
    static let referenceW1 = [[3.699130304854009, 5.6990859972710135], [3.7057967944310346, 5.730695039263278]]
    static let referenceB1 = [-5.670515882705507, -2.375811630724831]
    static let referenceW2 = [[-8.026635365285362], [7.4211608201554755]]
    static let referenceB2 = [-3.3500097700534406]

    @Test func tenThousandEpochsMatchNumPy() {
        let trainer = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 10_000, batchSize: 4, loss: .sse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 42))
        let result = trainer.train(Self.initial, on: Self.xor)
        #expect(result.outcome == .completed)
        #expect(result.records.count == 10_001)
        let outputs = result.network.predict(Self.xor.inputs)
        expectClose(outputs.elements, Self.referenceOutputs, tolerance: 1e-9)
        expectClose(result.network.weights(0), Self.referenceW1, tolerance: 1e-9)
        expectClose(result.network.biases(0), Self.referenceB1, tolerance: 1e-9)
        expectClose(result.network.weights(1), Self.referenceW2, tolerance: 1e-9)
        expectClose(result.network.biases(1), Self.referenceB2, tolerance: 1e-9)
        // The loss recorded after the last epoch is ½ Σ (out - y)² of those outputs.
        let sse = zip(Self.referenceOutputs, [0.0, 1, 1, 0]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / 2
        expectClose(result.records.last!.trainLoss, sse, tolerance: 1e-9)
    }
}
