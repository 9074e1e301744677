import BackpropCore
import Testing
import TestSupport

/// Seed 001 (shared/seeds/001_8d0268823f15d755.txt): one step of a 2-2-1 sigmoid network.
@Suite struct SeedExerciseTests {
    let network = Network<Double>(
        inputs: 2, architecture: [LayerSpec(units: 2, activation: .sigmoid), LayerSpec(units: 1, activation: .sigmoid)],
        weightsAndBiases: [(Matrix([[0.2, 0.4], [0.1, 0.3]]), [0.1, 0.2]), (Matrix([[0.5], [0.6]]), [0.1])])

    var trace: StepTrace<Double> {
        network.traceStep(inputs: Matrix([[0.5, 0.3]]), targets: Matrix([[0.7]]), loss: .mse,
                          optimizer: OptimizerConfiguration(learningRate: 0.1))
    }

    @Test func forwardMatchesTheSeedPrintoutToEveryDigit() {
        // The seed's first cell prints [0.55724785 0.62010643], [0.67932855], [0.00042731].
        let t = trace
        expectClose(t.forward[0].a, [[0.55724785, 0.62010643]], tolerance: 5e-9)
        expectClose(t.forward[1].a, [[0.67932855]], tolerance: 5e-9)
        expectClose(Double(t.loss), 0.00042731, tolerance: 5e-9)
    }

    // The seed's later cells were printed from a notebook whose state had changed (its first
    // loop *added* the gradient). These references were computed independently with NumPy 2.4:
    //   z1 = X@W1 + b1; a1 = σ(z1); z2 = a1@W2 + b2; a2 = σ(z2); L = mean((a2 - t)²)
    //   d2 = 2(a2 - t) a2 (1 - a2); dW2 = a1ᵀ d2; d1 = (d2 W2ᵀ) a1 (1 - a1); dW1 = Xᵀ d1
    //   W <- W - 0.1 dW
    @Test func forwardIntermediatesMatchNumPy() {
        let t = trace
        expectClose(t.forward[0].z, [[0.23, 0.49]], tolerance: 1e-15)
        expectClose(t.forward[0].a, [[0.5572478545985555, 0.6201064323430902]], tolerance: 1e-15)
        expectClose(t.forward[1].z, [[0.7506877867051318]], tolerance: 1e-15)
        expectClose(t.forward[1].a, [[0.6793285459826799]], tolerance: 1e-15)
        expectClose(Double(t.loss), 0.000427309011190178, tolerance: 1e-17)
    }

    @Test func backwardMatchesNumPy() {
        let t = trace
        expectClose(t.backward[1].delta, [[-0.00900619169907456]], tolerance: 1e-16)
        expectClose(t.backward[1].dW, [[-0.00501868100241262], [-0.00558479740351108]], tolerance: 1e-16)
        expectClose(t.backward[1].db, [-0.00900619169907456], tolerance: 1e-16)
        expectClose(t.backward[0].delta, [[-0.00111101589045183, -0.00127297716615652]], tolerance: 1e-16)
        expectClose(t.backward[0].dW, [[-0.00055550794522591, -0.00063648858307826],
                                       [-0.00033330476713555, -0.00038189314984696]], tolerance: 1e-16)
        expectClose(t.backward[0].db, [-0.00111101589045183, -0.00127297716615652], tolerance: 1e-16)
    }

    @Test func updateIsOneGradientDescentStep() {
        let t = trace
        expectClose(t.updated[0].weights, [[0.2000555507945226, 0.40006364885830786],
                                           [0.10003333047671356, 0.30003818931498466]], tolerance: 1e-16)
        expectClose(t.updated[0].biases, [0.10011110158904518, 0.20012729771661567], tolerance: 1e-16)
        expectClose(t.updated[1].weights, [[0.5005018681002412], [0.600558479740351]], tolerance: 1e-16)
        expectClose(t.updated[1].biases, [0.10090061916990746], tolerance: 1e-16)
    }

    @Test func theStepLowersTheLoss() {
        var next = network
        next.parameters = trace.updated.flatMap { $0.weights.elements + $0.biases }
        let before = network.predict(Matrix([[0.5, 0.3]]))[0, 0], after = next.predict(Matrix([[0.5, 0.3]]))[0, 0]
        #expect(abs(after - 0.7) < abs(before - 0.7))
    }
}
