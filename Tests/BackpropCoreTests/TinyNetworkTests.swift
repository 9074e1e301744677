import BackpropCore
import Testing

/// The fused step of tiny networks (`TinyNetwork`) trains bit for bit as the general path:
/// 60 random networks of a few units (every activation, loss, optimizer, weight decay and
/// schedule, with and without validation and early stopping, paused and resumed), trained
/// both ways in float64 and float32, give the same records, outcome and parameters exactly.
@Suite struct TinyNetworkTests {
    /// SplitMix64: the cases are the same on every run.
    struct Draw {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func pick<E>(_ items: [E]) -> E { items[int(0...(items.count - 1))] }
    }

    struct Case {
        var inputs: Int
        var architecture: [LayerSpec]
        var configuration: TrainingConfiguration
        var training: Dataset<Double>
        var validation: Dataset<Double>?
        var network: Network<Double>
    }

    static func randomCase(_ seed: UInt64) -> Case {
        var d = Draw(state: seed)
        // A third of the cases have 4 rows, which the fused step unrolls as constants.
        let inputs = d.int(1...4), rows = d.int(0...2) == 0 ? 4 : d.int(2...8)
        let hidden = (0..<d.int(0...2)).map { _ in
            LayerSpec(units: d.int(1...4), activation: d.pick([.sigmoid, .tanh, .relu, .leakyReLU, .linear]))
        }
        // The output layer and its loss: a classifier (sigmoid or softmax) or a regression.
        let kind = d.int(0...3)
        let classes = kind == 1 ? d.int(2...4) : 2
        let output: LayerSpec, loss: Loss
        switch kind {
        case 0: (output, loss) = (LayerSpec(units: 1, activation: .sigmoid), d.pick([.binaryCrossEntropy, .sse, .mse]))
        case 1: (output, loss) = (LayerSpec(units: classes, activation: .softmax), .crossEntropy)
        default: (output, loss) = (LayerSpec(units: d.int(1...3), activation: d.pick([.linear, .tanh, .sigmoid])), d.pick([.mse, .sse]))
        }
        let architecture = hidden + [output]
        func dataset(_ count: Int) -> Dataset<Double> {
            let x = (0..<count).map { _ in (0..<inputs).map { _ in d.unit() * 4 - 2 } }
            if kind <= 1 {
                return Dataset(inputs: x, labels: (0..<count).map { _ in d.int(0...(classes - 1)) }, classes: classes,
                               outputs: output.units)
            }
            let t = (0..<count).map { _ in (0..<output.units).map { _ in d.unit() } }
            return Dataset(inputs: Matrix(x), targets: Matrix(t))
        }
        let training = dataset(rows)
        let withValidation = d.int(0...2) > 0
        let validation = withValidation ? dataset(3) : nil
        var optimizer = d.pick([
            OptimizerConfiguration(kind: .sgd, learningRate: 0.3),
            OptimizerConfiguration(kind: .sgd, learningRate: 0.1, momentum: 0.9, nesterov: d.int(0...1) == 1),
            OptimizerConfiguration(kind: .adam, learningRate: 0.05),
        ])
        optimizer.weightDecay = d.pick([0, 1e-3, 0.1])
        optimizer.schedule = d.pick([.constant, .cosine(minimum: 0.01), .step(every: 5, gamma: 0.5), .exponential(gamma: 0.97)])
        let stopping = withValidation && d.int(0...1) == 1 ? EarlyStopping(patience: 2) : nil
        let configuration = TrainingConfiguration(epochs: 40, batchSize: d.pick([nil, rows, rows + 3]), loss: loss,
                                                  optimizer: optimizer, seed: seed, earlyStopping: stopping)
        let network = Network<Double>(inputs: inputs, architecture: architecture, initialization: d.pick([.xavier, .he]), seed: seed)
        return Case(inputs: inputs, architecture: architecture, configuration: configuration, training: training,
                    validation: validation, network: network)
    }

    /// Trains `c` in precision T, paused after `pause` epochs and resumed from the state (the
    /// resumed loop must compute its forward pass again), fused or not.
    static func train<T: Scalar>(_ c: Case, as _: T.Type, fused: Bool, pause: Int) -> (records: [EpochRecord], outcome: TrainingOutcome?, parameters: [T], fusedSteps: Bool) {
        let training: Dataset<T> = c.training.converted(), validation: Dataset<T>? = c.validation.map { $0.converted() }
        let network: Network<T> = c.network.converted()
        var records = [EpochRecord]()
        let first = TrainingLoop(configuration: c.configuration, network: network, data: training, validation: validation)
        if !fused { first.usesTinyStep = false }
        let usedFused = first.usesTinyStep
        var outcome = first.run(until: pause) { records.append($0.record); return true }
        var last = first
        if outcome == nil {
            let second = TrainingLoop(configuration: c.configuration, network: network, resuming: first.state, data: training, validation: validation)
            if !fused { second.usesTinyStep = false }
            outcome = second.run { records.append($0.record); return true }
            last = second
        }
        return (records, outcome, last.network.parameters, usedFused)
    }

    @Test(arguments: 0..<60)
    func fusedEqualsGeneral(_ seed: Int) {
        let c = Self.randomCase(UInt64(seed) &* 7919 &+ 11)
        let pause = 1 + seed % 9
        func check<T: Scalar>(_ type: T.Type) {
            let general = Self.train(c, as: T.self, fused: false, pause: pause)
            let fused = Self.train(c, as: T.self, fused: true, pause: pause)
            #expect(!general.fusedSteps)
            // Every case is full batch (a batch of at least the rows) on products of at most 8·4·4 numbers.
            #expect(fused.fusedSteps)
            #expect(fused.records.count >= 2)  // epoch 0 and at least one step (early stopping may end before the pause)
            #expect(fused.records == general.records, "seed \(seed) \(T.self)")
            #expect(fused.outcome == general.outcome, "seed \(seed) \(T.self)")
            #expect(fused.parameters == general.parameters, "seed \(seed) \(T.self)")
        }
        check(Double.self)
        check(Float.self)
    }

    /// The fused step is for tiny full-batch networks only: not mini-batches, not with
    /// diagnostics, not once a product exceeds `smallGemmLimit` multiply-adds.
    @Test func whichLoopsFuse() {
        func loop(rows: Int, units: Int, batch: Int? = nil, diagnostics: Bool = false) -> TrainingLoop<Double> {
            let x = (0..<rows).map { r in [Double(r % 2), Double(r / 2 % 2)] }
            let data = Dataset<Double>(inputs: x, labels: (0..<rows).map { $0 % 2 }, classes: 2, outputs: 1)
            let network = Network<Double>(inputs: 2, architecture: [LayerSpec(units: units, activation: .tanh), LayerSpec(units: 1, activation: .sigmoid)],
                                          initialization: .xavier, seed: 1)
            return TrainingLoop(configuration: TrainingConfiguration(epochs: 1, batchSize: batch, loss: .binaryCrossEntropy,
                                                                     optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 1, diagnostics: diagnostics),
                                network: network, data: data)
        }
        #expect(loop(rows: 4, units: 2).usesTinyStep)                 // XOR: 4·2·2 = 16
        #expect(loop(rows: 64, units: 2).usesTinyStep)                // 64·2·2 = 256, the limit
        #expect(!loop(rows: 65, units: 2).usesTinyStep)               // 65·2·2 = 260
        #expect(!loop(rows: 8, units: 2, batch: 4).usesTinyStep)      // mini-batches
        #expect(!loop(rows: 4, units: 2, diagnostics: true).usesTinyStep)
        let l = loop(rows: 4, units: 2)
        l.usesTinyStep = true
        l.usesTinyStep = false
        l.usesTinyStep = true
        #expect(!l.usesTinyStep)
    }
}
