import BackpropCore
import Testing
import TestSupport

@Suite struct DiagnosticsTests {
    /// 2 inputs, a ReLU layer of 2 units (unit 2 can never fire: negative weights and bias
    /// on positive inputs), a linear output.
    static let network = Network<Double>(
        inputs: 2, architecture: [LayerSpec(units: 2, activation: .relu), LayerSpec(units: 1, activation: .linear)],
        weightsAndBiases: [(Matrix([[0.5, -1], [0.25, -1]]), [0.1, -0.5]), (Matrix([[1.5], [0.7]]), [0.2])])
    static let data = Dataset<Double>(inputs: Matrix([[1, 2], [0.5, 0.25], [2, 1]]), targets: Matrix([[1], [0], [2]]))

    @Test func oneFullBatchEpochByHand() {
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 1, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 0, diagnostics: true))
            .train(Self.network, on: Self.data)
        // Epoch 0 takes no step: weight norms only.
        let d0 = result.diagnostics![0]
        #expect(d0.gradientNorms == nil && d0.deadFractions == nil)
        expectClose(d0.weightNorms, [(0.25 + 1 + 0.0625 + 1).squareRoot(), (2.25 + 0.49).squareRoot()], tolerance: 1e-15)
        // Epoch 1, one batch: the gradient norm is that batch's gradient's, layer by layer
        // (the trace computes the same step).
        let trace = Self.network.traceStep(inputs: Self.data.inputs, targets: Self.data.targets, loss: .mse,
                                           optimizer: OptimizerConfiguration(learningRate: 0.1))
        let d1 = result.diagnostics![1]
        for l in 0..<2 {
            let g = trace.backward[l].dW.elements + trace.backward[l].db
            expectClose(d1.gradientNorms![l], g.reduce(0) { $0 + $1 * $1 }.squareRoot(), tolerance: 1e-14)
            let w = result.network.weights(l).elements
            expectClose(d1.weightNorms[l], w.reduce(0) { $0 + $1 * $1 }.squareRoot(), tolerance: 1e-15)
        }
        // Unit 2 of the ReLU layer is zero on every row: half the layer is dead; the linear
        // output layer has no such number.
        #expect(d1.deadFractions! == [0.5, nil])
    }

    @Test func gradientNormIsTheRMSOverBatches() {
        // Three batches of one row: the recorded norm is √(mean of the squared batch norms).
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 1, batchSize: 1, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0), seed: 3, diagnostics: true))
            .train(Self.network, on: Self.data)
        // A zero learning rate leaves the network unchanged, so each row's gradient is the
        // trace's on that row alone, whatever the order.
        var squares = [0.0, 0.0]
        for r in 0..<3 {
            let t = Self.network.traceStep(inputs: Matrix([Self.data.inputs.nested[r]]), targets: Matrix([Self.data.targets.nested[r]]),
                                           loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0))
            for l in 0..<2 { squares[l] += (t.backward[l].dW.elements + t.backward[l].db).reduce(0) { $0 + $1 * $1 } }
        }
        expectClose(result.diagnostics![1].gradientNorms!, squares.map { ($0 / 3).squareRoot() }, tolerance: 1e-14)
    }

    @Test func offByDefault() {
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 1, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 0)).train(Self.network, on: Self.data)
        #expect(result.diagnostics == nil)
    }
}
