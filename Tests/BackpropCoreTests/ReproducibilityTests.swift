import BackpropCore
import Testing
import TestSupport

@Suite struct ReproducibilityTests {
    // Known answers: SplitMix64 from seed 0 (the published sequence begins 0xE220A8397B1DCDAF),
    // and xoshiro256** seeded by those four words, from a transcription of the authors'
    // reference C code into Python.
    @Test func generatorsKnownAnswers() {
        var s = SplitMix64(seed: 0)
        #expect([s.next(), s.next(), s.next(), s.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
        var x = Xoshiro256StarStar(seed: 0)
        #expect([x.next(), x.next(), x.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
    }

    @Test func unitDoublesAndIndicesStayInRange() {
        var rng = Xoshiro256StarStar(seed: 123)
        for _ in 0..<10_000 {
            let u = rng.nextUnitDouble()
            #expect(u >= 0 && u < 1)
            let i = rng.nextIndex(below: 7)
            #expect(i >= 0 && i < 7)
        }
    }

    static let architecture = [LayerSpec(units: 5, activation: .tanh), LayerSpec(units: 2, activation: .softmax)]

    @Test(arguments: [Initialization.uniform(low: 0, high: 1), .xavier, .he])
    func sameSeedSameBits(_ scheme: Initialization) {
        let a = Network<Double>(inputs: 3, architecture: Self.architecture, initialization: scheme, seed: 7)
        let b = Network<Double>(inputs: 3, architecture: Self.architecture, initialization: scheme, seed: 7)
        let c = Network<Double>(inputs: 3, architecture: Self.architecture, initialization: scheme, seed: 8)
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(a.parameters != c.parameters)
    }

    @Test func schemesRespectTheirRanges() {
        let xavier = Network<Double>(inputs: 3, architecture: Self.architecture, initialization: .xavier, seed: 1)
        let r0 = (6.0 / 8).squareRoot()  // first layer: 3 inputs + 5 units
        #expect(xavier.weights(0).elements.allSatisfy { abs($0) <= r0 })
        #expect(xavier.biases(0).allSatisfy { $0 == 0 })
        let he = Network<Double>(inputs: 3, architecture: Self.architecture, initialization: .he, seed: 1)
        #expect(he.weights(0).elements.allSatisfy { abs($0) <= 2.0.squareRoot() })
        let uniform = Network<Double>(inputs: 3, architecture: Self.architecture, initialization: .uniform(low: 0, high: 1), seed: 1)
        #expect(uniform.parameters.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(uniform.biases(1).allSatisfy { $0 != 0 })
    }

    @Test func trainingTwiceGivesIdenticalBits() {
        let data = Dataset<Double>(inputs: randomMatrix(rows: 50, columns: 3, seed: 2), targets: randomMatrix(rows: 50, columns: 2, seed: 3))
        let net = Network<Double>(inputs: 3, architecture: [LayerSpec(units: 6, activation: .relu), LayerSpec(units: 2, activation: .linear)],
                                  initialization: .he, seed: 4)
        let trainer = Trainer<Double>(configuration: TrainingConfiguration(epochs: 20, batchSize: 8, loss: .mse,
                                                                           optimizer: OptimizerConfiguration(learningRate: 0.05), seed: 4))
        let first = trainer.train(net, on: data), second = trainer.train(net, on: data)
        #expect(first.network.parameters.map(\.bitPattern) == second.network.parameters.map(\.bitPattern))
        #expect(first.records == second.records)
    }
}
