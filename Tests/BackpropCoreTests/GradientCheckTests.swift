import BackpropCore
import Testing
import TestSupport

/// Backpropagation against central finite differences, for every activation in a hidden
/// layer and every loss with the output activations it is used with.
@Suite struct GradientCheckTests {
    static let hidden: [Activation] = [.sigmoid, .tanh, .relu, .leakyReLU, .linear]
    static let heads: [(Loss, Activation, Int)] = [
        (.mse, .linear, 2), (.mse, .sigmoid, 2), (.sse, .sigmoid, 1), (.sse, .tanh, 2),
        (.binaryCrossEntropy, .sigmoid, 1), (.binaryCrossEntropy, .sigmoid, 3),
        (.crossEntropy, .softmax, 3), (.mse, .softmax, 3),
    ]

    static func batch(outputs: Int, loss: Loss) -> (Matrix<Double>, Matrix<Double>) {
        let x: Matrix<Double> = randomMatrix(rows: 5, columns: 3, seed: 7)
        var t = Matrix<Double>(rows: 5, columns: outputs)
        for r in 0..<5 {
            switch loss {
            case .crossEntropy: t[r, r % outputs] = 1
            case .binaryCrossEntropy: for c in 0..<outputs { t[r, c] = Double((r + c) % 2) }
            default: for c in 0..<outputs { t[r, c] = 0.3 * Double(r) - 0.2 * Double(c) }
            }
        }
        return (x, t)
    }

    @Test(arguments: hidden)
    func everyPairing(_ activation: Activation) {
        for (loss, head, outputs) in Self.heads {
            let network = Network<Double>(
                inputs: 3, architecture: [LayerSpec(units: 4, activation: activation), LayerSpec(units: 3, activation: .tanh),
                                          LayerSpec(units: outputs, activation: head)],
                initialization: .uniform(low: -1, high: 1), seed: 3)
            let (x, t) = Self.batch(outputs: outputs, loss: loss)
            for layer in network.gradientCheck(inputs: x, targets: t, loss: loss) {
                #expect(layer.maxRelativeError < 1e-6, "\(activation) hidden, \(loss) with \(head): layer \(layer.layer) \(layer)")
            }
        }
    }

    @Test func disagreementIsReported() {
        // The check can fail: at ReLU's kink (z exactly 0) backprop uses the subgradient 0,
        // while the central difference sees (relu(h) - relu(-h)) / 2h = 1/2 of the slope.
        let network = Network<Double>(
            inputs: 1, architecture: [LayerSpec(units: 1, activation: .relu), LayerSpec(units: 1, activation: .linear)],
            weightsAndBiases: [(Matrix([[0.0]]), [0.0]), (Matrix([[1.0]]), [0.0])])
        let result = network.gradientCheck(inputs: Matrix([[1.0]]), targets: Matrix([[1.0]]), loss: .mse)
        #expect(result[0].maxRelativeErrorBiases > 0.3)
        #expect(result[1].maxRelativeError < 1e-6)
    }

    @Test func float32WithATolerance() {
        let network = Network<Float>(
            inputs: 3, architecture: [LayerSpec(units: 4, activation: .tanh), LayerSpec(units: 3, activation: .softmax)],
            initialization: .xavier, seed: 9)
        let (x, t) = Self.batch(outputs: 3, loss: .crossEntropy)
        for layer in network.gradientCheck(inputs: x.converted(), targets: t.converted(), loss: .crossEntropy) {
            // float32 carries about 7 digits; differences of a loss near 1 with h = 1e-2 keep about 3.
            #expect(layer.maxRelativeError < 1e-2, "\(layer)")
        }
    }
}
