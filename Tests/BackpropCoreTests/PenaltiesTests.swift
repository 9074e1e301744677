import BackpropCore
import Testing
import TestSupport

/// The L1 penalty and gradient-norm clipping against PyTorch 2.15 (float64): values from
/// scripts/penalties_reference.py (XOR, a 2-3-1 tanh/sigmoid network from fixed parameters,
/// MSE, full batch, SGD lr 0.5 and momentum 0.9, 6 steps; PyTorch adds λ/(2n)·Σ‖W‖² and
/// l1·Σ|W| to its loss and calls clip_grad_norm_ before each step).
@Suite struct PenaltiesTests {
    static let network = Network<Double>(
        inputs: 2, architecture: [LayerSpec(units: 3, activation: .tanh), LayerSpec(units: 1, activation: .sigmoid)],
        weightsAndBiases: [(Matrix([[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]]), [0.1, -0.2, 0.05]), (Matrix([[0.4], [-0.9], [0.3]]), [0.0])])
    static let xor = Dataset<Double>(inputs: Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]), targets: Matrix([[0], [1], [1], [0]]))

    static func train(weightDecay: Double, l1: Double, clip: Double?, diagnostics: Bool = false) -> Network<Double> {
        Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 6, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.5, momentum: 0.9, weightDecay: weightDecay, l1: l1),
            seed: 0, diagnostics: diagnostics, clipGradNorm: clip)).train(network, on: xor).network
    }

    @Test(arguments: [
        (0.0, 0.01, nil as Double?, [0.3883261295901958, -0.045056047001393415, 0.6293053028928915, 0.21195270894957366, 0.6245198614979888, -0.5240066501849917,
                                     0.0820215163250874, 0.040287000394841704, -0.05754326799603529, 0.267479628457372, -0.6832133961811857, -0.014640959924032207, -0.12987607050534247]),
        (0.0, 0.0, 0.05, [0.4787519659645288, -0.14599141390888437, 0.728174311821638, 0.2840672754177502, 0.7201693382467608, -0.6126490574418527,
                          0.08068806882855432, 0.01815958165379057, -0.04511701294920098, 0.3568081371870621, -0.796564007206039, 0.10801880776992998, -0.12709925550902335]),
        (0.1, 0.01, 0.05, [0.3948465220971461, -0.12954044955073715, 0.637704620028974, 0.18396207406431306, 0.6042830526925779, -0.5073923071237075,
                           0.08426895688401646, -0.06559083294206546, -0.007075992343213482, 0.2874337227380721, -0.7102689806104929, 0.11876600155650135, -0.08840448077468406]),
    ])
    func parametersEqualPyTorchs(_ weightDecay: Double, _ l1: Double, _ clip: Double?, _ torch: [Double]) {
        let trained = Self.train(weightDecay: weightDecay, l1: l1, clip: clip)
        expectClose(trained.parameters, torch, tolerance: 1e-12)
        // Diagnostics observe the gradients without changing a number.
        #expect(Self.train(weightDecay: weightDecay, l1: l1, clip: clip, diagnostics: true).parameters == trained.parameters)
    }

    /// The first step's gradient norm before clipping is PyTorch's clip_grad_norm_ return
    /// value (0.08159749776611175 for the clipping case), and the trace says what it did.
    @Test func theTraceShowsTheNormAndTheCoefficient() {
        let clipped = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 1, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.5, momentum: 0.9), seed: 0, clipGradNorm: 0.05))
            .traceFirstStep(Self.network, inputs: Self.xor.inputs, targets: Self.xor.targets)
        let c = try! #require(clipped.clipping)
        expectClose(c.norm, 0.08159749776611175, tolerance: 1e-15)
        expectClose(c.coefficient, 0.05 / (0.08159749776611175 + 1e-6), tolerance: 1e-15)
        // The gradients the trace shows are the clipped ones: their norm is 0.05 (less 1e-6's share).
        let g = clipped.backward.flatMap { $0.dW.elements + $0.db }
        expectClose(g.reduce(0) { $0 + $1 * $1 }.squareRoot(), 0.05 * 0.08159749776611175 / (0.08159749776611175 + 1e-6), tolerance: 1e-15)
        // The L1 term: sign(W) times λ₁ in every weight's gradient, none in the biases'.
        let plain = Self.network.traceStep(inputs: Self.xor.inputs, targets: Self.xor.targets, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.5))
        let withL1 = Self.network.traceStep(inputs: Self.xor.inputs, targets: Self.xor.targets, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.5, l1: 0.25))
        for l in 0..<2 {
            let w = Self.network.weights(l).elements
            for (i, (a, b)) in zip(plain.backward[l].dW.elements, withL1.backward[l].dW.elements).enumerated() {
                expectClose(b - a, 0.25 * (w[i] > 0 ? 1 : -1), tolerance: 1e-15)
            }
            #expect(plain.backward[l].db == withL1.backward[l].db)
        }
    }
}
