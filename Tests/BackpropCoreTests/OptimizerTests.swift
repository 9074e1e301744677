import RealModule
import BackpropCore
import Testing
import TestSupport

/// Each optimizer against steps computed by hand, and against PyTorch 2.15 (float64) on the
/// same gradient sequence: parameters [1, -0.5], gradients [2, 0.5], [-1, 0.25], [0.5, -3],
/// lr 0.1 (torch.optim.Adam(lr=0.1), torch.optim.SGD(lr=0.1, momentum=0.9[, nesterov=True])).
@Suite struct OptimizerTests {
    static let gradients: [[Double]] = [[2, 0.5], [-1, 0.25], [0.5, -3]]

    func trajectory(_ configuration: OptimizerConfiguration) -> [[Double]] {
        let optimizer: AnyOptimizer<Double> = configuration.make(parameterCount: 2)
        var p: [Double] = [1, -0.5]
        return Self.gradients.map { g in
            p.withUnsafeMutableBufferPointer { pp in
                g.withUnsafeBufferPointer { gp in
                    optimizer.step(parameters: pp.baseAddress!, gradients: gp.baseAddress!, count: 2, learningRate: 0.1)
                }
            }
            return p
        }
    }

    @Test func plainSGD() {
        // w - 0.1 g, three times: 1 - 0.2 + 0.1 - 0.05; -0.5 - 0.05 - 0.025 + 0.3.
        expectClose(trajectory(OptimizerConfiguration(learningRate: 0.1)).last!, [0.85, -0.275], tolerance: 1e-15)
    }

    @Test func momentum() {
        // By hand, first coordinate: v = 2, w = 0.8; v = 0.9·2 - 1 = 0.8, w = 0.72;
        // v = 0.72 + 0.5 = 1.22, w = 0.598.
        let t = trajectory(OptimizerConfiguration(learningRate: 0.1, momentum: 0.9))
        let torch: [[Double]] = [[0.8, -0.55], [0.7200000000000001, -0.62], [0.5980000000000001, -0.38299999999999995]]
        for (mine, theirs) in zip(t, torch) { expectClose(mine, theirs, tolerance: 1e-15) }
    }

    @Test func nesterov() {
        // First step: v = g, w = w - lr (g + 0.9 g) = 1 - 0.1 · 3.8 = 0.62.
        let t = trajectory(OptimizerConfiguration(learningRate: 0.1, momentum: 0.9, nesterov: true))
        let torch: [[Double]] = [[0.62, -0.595], [0.648, -0.6829999999999999], [0.48819999999999997, -0.1696999999999999]]
        for (mine, theirs) in zip(t, torch) { expectClose(mine, theirs, tolerance: 1e-15) }
    }

    @Test func adam() {
        // First step by hand: m̂ = g, v̂ = g², so w -= lr · g / (|g| + ε) = lr · sign(g) · |g|/(|g| + 1e-8):
        // 1 - 0.1 · 2 / (2 + 1e-8) = 0.9000000005.
        let t = trajectory(OptimizerConfiguration(kind: .adam, learningRate: 0.1))
        expectClose(t[0][0], 1 - 0.1 * 2 / (2 + 1e-8), tolerance: 1e-16)
        let torch: [[Double]] = [[0.9000000005, -0.599999998], [0.8733662967024315, -0.6932179595225376],
                                 [0.8393233821389426, -0.643604162613012]]
        for (mine, theirs) in zip(t, torch) { expectClose(mine, theirs, tolerance: 1e-14) }
    }

    /// The eight-lane loop and the scalar tail give exactly the plain loop's bits (19
    /// parameters: two full groups of eight and a tail of three).
    @Test(arguments: [false, true])
    func adamLanesMatchThePlainLoop(_ single: Bool) {
        func check<T: Scalar>(_: T.Type) {
            let n = 19
            var p = (0..<n).map { T(Double($0) / 7 - 1) }, expected = p
            let adam = Adam<T>(parameterCount: n)
            var m = [T](repeating: 0, count: n), v = m
            for step in 1...3 {
                let g = (0..<n).map { T(Double(($0 * 13 + step * 5) % 11) / 3 - 1.5) }
                p.withUnsafeMutableBufferPointer { pp in g.withUnsafeBufferPointer { gp in
                    adam.step(parameters: pp.baseAddress!, gradients: gp.baseAddress!, count: n, learningRate: 0.01)
                } }
                // PyTorch's operations (see Adam): lerp towards g, constants rounded once from double.
                let stepSize = T(-(0.01 / (1 - Double.pow(0.9, step)))), c2 = T((1 - Double.pow(0.999, step)).squareRoot())
                for i in 0..<n {
                    m[i] = m[i] + T(1 - 0.9) * (g[i] - m[i])
                    v[i] = v[i] * T(0.999) + T(1 - 0.999) * g[i] * g[i]
                    expected[i] += stepSize * m[i] / (v[i].squareRoot() / c2 + T(1e-8))
                }
            }
            #expect(p == expected)
        }
        if single { check(Float.self) } else { check(Double.self) }
    }

    /// The vector square root Adam's lanes use is the scalar one, lane by lane, bit for bit,
    /// on the awkward inputs too (zeros, the smallest subnormal, infinity, negatives, NaN).
    @Test func laneSquareRootIsTheScalarOne() {
        func check<T: Scalar>(_: T.Type) {
            let inputs: [T] = [0, -0.0, .leastNonzeroMagnitude, 1e-30, 2, 0.1, 1e30, .infinity, -1, .nan, .greatestFiniteMagnitude, 1]
            for start in stride(from: 0, to: inputs.count, by: 8) {
                let chunk = (0..<8).map { inputs[(start + $0) % inputs.count] }
                let lanes = T.squareRoot(SIMD8(chunk))
                for k in 0..<8 {
                    let scalar = chunk[k].squareRoot()
                    #expect((lanes[k] == scalar && lanes[k].sign == scalar.sign) || (lanes[k].isNaN && scalar.isNaN), "sqrt(\(chunk[k]))")
                }
            }
        }
        check(Double.self)
        check(Float.self)
    }

    @Test func adamStateIsPerOptimizer() {
        // Two optimizers from one configuration start from zero moments each.
        #expect(trajectory(OptimizerConfiguration(kind: .adam, learningRate: 0.1)) ==
                trajectory(OptimizerConfiguration(kind: .adam, learningRate: 0.1)))
    }

    @Test func schedules() {
        let step = LearningRateSchedule.step(every: 10, gamma: 0.5)
        #expect(step.rate(base: 0.1, epoch: 1, epochs: 30) == 0.1)
        #expect(step.rate(base: 0.1, epoch: 10, epochs: 30) == 0.1)
        #expect(step.rate(base: 0.1, epoch: 11, epochs: 30) == 0.05)
        #expect(step.rate(base: 0.1, epoch: 21, epochs: 30) == 0.025)
        expectClose(LearningRateSchedule.exponential(gamma: 0.9).rate(base: 1, epoch: 3, epochs: 10), 0.81, tolerance: 1e-15)
        let cosine = LearningRateSchedule.cosine(minimum: 0.01)
        #expect(cosine.rate(base: 0.1, epoch: 1, epochs: 10) == 0.1)
        // Halfway (e = 5 of 10): cos(π/2) = 0, so the midpoint of 0.1 and 0.01.
        expectClose(cosine.rate(base: 0.1, epoch: 6, epochs: 10), 0.055, tolerance: 1e-15)
        #expect(LearningRateSchedule.constant.rate(base: 0.3, epoch: 99, epochs: 100) == 0.3)
    }

    @Test func weightDecayPenalisesWeightsNotBiases() {
        // 2 inputs, 1 unit: parameters [w1, w2, b]. λ = 0.4 over a batch of 2 rows adds λ/2 · w.
        let net = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [3, -1, 5])
        var g: [Double] = [0.1, 0.2, 0.3]
        g.withUnsafeMutableBufferPointer { net.addWeightDecay(0.4, rows: 2, to: $0.baseAddress!) }
        expectClose(g, [0.1 + 0.2 * 3, 0.2 - 0.2 * 1, 0.3], tolerance: 1e-15)
    }

    @Test func scheduleReachesTheTrainingLoop() {
        let data = Dataset<Double>(inputs: Matrix([[1.0]]), targets: Matrix([[2.0]]))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [0, 0])
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 4, loss: .mse,
            optimizer: OptimizerConfiguration(learningRate: 0.1, schedule: .step(every: 2, gamma: 0.1)), seed: 0)).train(net, on: data)
        expectClose(result.records.map(\.learningRate), [0.1, 0.1, 0.1, 0.01, 0.01], tolerance: 1e-17)
    }

    /// Weight decay folded into the optimizer's pass (`FoldedDecay`, what training uses) moves
    /// every parameter bit for bit as a decay pass over the gradients followed by a plain step
    /// (`addWeightDecay`, what `trace` shows), for every optimizer, in float64 and float32, on a
    /// 3-13-5-2 layout whose ranges are no multiple of Adam's 8 lanes.
    @Test(arguments: [
        OptimizerConfiguration(learningRate: 0.1), OptimizerConfiguration(learningRate: 0.1, momentum: 0.9),
        OptimizerConfiguration(learningRate: 0.1, momentum: 0.9, nesterov: true), OptimizerConfiguration(kind: .adam, learningRate: 0.01),
    ])
    func foldedDecayEqualsADecayPass(_ configuration: OptimizerConfiguration) {
        func check<T: Scalar>(_: T.Type) {
            let network = Network<T>(inputs: 3, architecture: [LayerSpec(units: 13, activation: .tanh), LayerSpec(units: 5, activation: .relu),
                                                               LayerSpec(units: 2, activation: .softmax)], initialization: .xavier, seed: 4)
            let count = network.parameters.count, lambda = T(0.3), rows = 7
            let separate: AnyOptimizer<T> = configuration.make(parameterCount: count), folded: AnyOptimizer<T> = configuration.make(parameterCount: count)
            var a = network.parameters, b = network.parameters
            for step in 0..<4 {
                let g = (0..<count).map { T(Double.sin(Double($0 * 7 + step))) }
                var decayed = g
                Network(inputs: 3, architecture: network.architecture, parameters: a).addWeightDecay(lambda, rows: rows, to: &decayed)
                a.withUnsafeMutableBufferPointer { p in
                    separate.step(parameters: p.baseAddress!, gradients: decayed, count: count, learningRate: 0.1)
                }
                b.withUnsafeMutableBufferPointer { p in
                    folded.step(parameters: p.baseAddress!, gradients: g, count: count, learningRate: 0.1,
                                decay: FoldedDecay(lambda: lambda, rows: rows, layers: network.layers))
                }
                #expect(a == b, "\(configuration.kind) step \(step) \(T.self)")
            }
            #expect(a != network.parameters)
            #expect(separate.state(count: count).buffers.map(\.values) == folded.state(count: count).buffers.map(\.values))
        }
        check(Double.self)
        check(Float.self)
    }
}
