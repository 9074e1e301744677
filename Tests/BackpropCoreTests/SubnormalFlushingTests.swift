import BackpropCore
import Testing
import TestSupport

/// float32 flushes subnormal numbers to zero inside the engine, float64 never, and the
/// thread's setting is restored after every call and suspended in the callbacks.
@Suite struct SubnormalFlushingTests {
    /// One linear unit with weight 1e-20 on input 1e-20: z = 1e-40, below float32's smallest
    /// normal number (2^-126 ≈ 1.18e-38), so subnormal unless flushed.
    static func output<T: Scalar>(_: T.Type) -> T {
        let network = Network<T>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [T(1e-20), 0])
        return network.predict(Matrix([[T(1e-20)]]))[0, 0]
    }

    @Test func float32FlushesAndFloat64DoesNot() {
        #expect(SubnormalFlushing.isAvailable)  // x86-64 and AArch64, where CI runs
        #expect(Self.output(Float.self) == 0)
        #expect(Self.output(Double.self) == 1e-40)
        // Outside the engine nothing is flushed: the same product here is subnormal.
        #expect(!SubnormalFlushing.isOn)
        let tiny = Float(1e-20)
        #expect(tiny * tiny > 0 && (tiny * tiny).isSubnormal)
    }

    @Test func theSettingIsRestoredAndSuspendedInCallbacks() {
        #expect(!SubnormalFlushing.isOn)
        SubnormalFlushing.with(Float.self) {
            #expect(SubnormalFlushing.isOn)
            SubnormalFlushing.suspended { #expect(!SubnormalFlushing.isOn) }
            #expect(SubnormalFlushing.isOn)
        }
        #expect(!SubnormalFlushing.isOn)
        SubnormalFlushing.with(Double.self) { #expect(!SubnormalFlushing.isOn) }
        // A float32 loop flushes its epochs, but its caller's onEpoch runs unflushed.
        let data = Dataset<Float>(inputs: Matrix([[1e-20], [2e-20]]), targets: Matrix([[0], [0]]))
        let loop = TrainingLoop(configuration: TrainingConfiguration(epochs: 2, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 0),
                                network: Network<Float>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [1e-20, 0]),
                                data: data)
        var flushedInCallback = false
        _ = loop.run { _ in flushedInCallback = flushedInCallback || SubnormalFlushing.isOn; return true }
        #expect(!flushedInCallback && !SubnormalFlushing.isOn)
    }

    /// Where no subnormal arises, flushing changes nothing: a float32 run of Adam on mini-batches
    /// logs the same numbers bit for bit either way (make bench shows where it does matter).
    @Test func anOrdinaryRunIsTheSameEitherWay() {
        let x: Matrix<Float> = randomMatrix(rows: 40, columns: 3, seed: 3)
        let data = Dataset<Float>(inputs: x, labels: (0..<40).map { $0 % 2 }, classes: 2, outputs: 1)
        var configuration = TrainingConfiguration(epochs: 30, batchSize: 8, loss: .binaryCrossEntropy,
                                                  optimizer: OptimizerConfiguration(kind: .adam, learningRate: 0.01), seed: 2)
        let network = Network<Float>(inputs: 3, architecture: [LayerSpec(units: 8, activation: .relu), LayerSpec(units: 1, activation: .sigmoid)],
                                     initialization: .he, seed: 1)
        let flushed = Trainer<Float>(configuration: configuration).train(network, on: data)
        configuration.flushesSubnormals = false
        let unflushed = Trainer<Float>(configuration: configuration).train(network, on: data)
        #expect(flushed.records == unflushed.records && flushed.network == unflushed.network)
        #expect(flushed.records.last!.trainLoss < flushed.records[0].trainLoss)
    }
}
