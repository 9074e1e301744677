import BackpropCore
import Testing
import TestSupport

/// Batch normalisation and dropout against PyTorch 2.15 (float64): values from
/// scripts/regularisers_reference.py, run with .build/bench-venv/bin/python. A 4-5-4-3
/// network from fixed parameters, 12 training rows of 3 classes and 6 validation rows,
/// cross-entropy; PyTorch's Linear, BatchNorm1d (momentum 0.1, eps 1e-5) and softmax, with
/// dropout's masks drawn by the script as backprop draws them (its xoshiro256** stream) and
/// the mini-batches shuffled as backprop shuffles them, so that only the arithmetic differs.
@Suite struct RegularisersTests {
    static let x: [[Double]] = [[0.2, -1.1, 0.5, 1.3], [1.4, 0.3, -0.7, 0.1], [-0.6, 0.8, 1.2, -0.4], [0.9, -0.2, 0.3, 0.7],
                                [-1.3, -0.5, 0.6, 0.2], [0.4, 1.6, -1.0, -0.8], [1.1, -0.9, -0.3, 0.5], [-0.2, 0.1, 0.9, 1.0],
                                [0.7, 0.6, -1.2, -0.1], [-0.9, 1.2, 0.4, -1.1], [0.3, -0.4, -0.6, 0.9], [-0.5, -1.3, 1.1, 0.3]]
    static let labels = [0, 1, 2, 0, 2, 1, 0, 2, 1, 2, 0, 1]
    static let xv: [[Double]] = [[0.5, -0.8, 0.2, 1.0], [1.2, 0.4, -0.5, -0.2], [-0.7, 0.9, 1.0, -0.3],
                                 [0.1, 0.2, -0.9, 0.6], [-1.0, -0.6, 0.8, 0.4], [0.6, 1.1, -0.8, -0.9]]
    static let validationLabels = [0, 1, 2, 0, 2, 1]
    static let data = Dataset<Double>(inputs: x, labels: labels, classes: 3, outputs: 3)
    static let validation = Dataset<Double>(inputs: xv, labels: validationLabels, classes: 3, outputs: 3)
    static let dense: [(weights: Matrix<Double>, biases: [Double])] = [
        (Matrix([[0.3, -0.5, 0.8, 0.1, -0.2], [0.6, 0.2, -0.4, 0.7, 0.5], [-0.3, 0.9, 0.1, -0.6, 0.4], [0.2, -0.1, 0.5, 0.3, -0.8]]),
         [0.05, -0.1, 0.2, 0.0, 0.1]),
        (Matrix([[0.4, -0.7, 0.2, 0.5], [-0.3, 0.6, 0.8, -0.2], [0.7, 0.1, -0.5, 0.3], [-0.6, 0.4, 0.2, 0.9], [0.1, -0.8, 0.6, -0.4]]),
         [0.0, 0.1, -0.05, 0.2]),
        (Matrix([[0.5, -0.4, 0.2], [-0.2, 0.6, -0.7], [0.8, 0.3, -0.1], [-0.5, 0.2, 0.4]]), [0.1, -0.1, 0.0]),
    ]

    struct Reference { var parameters, statistics, train, validation: [Double] }
    static let torch: [String: Reference] = [
        "minibatch": Reference(
            parameters: [0.16462242479678543, -0.4261749571521263, 0.7199711100192501, 0.20788540580824183, -0.3218223357559858, 0.8899822118937883, 0.054192778104846316, -0.47063259003554336, 0.6362026350897102, 0.5037194520257631, 0.017895713704042186, 0.9730917133637058, 0.2869668034524097, -0.6580678760712959, 0.4884244199803976, -0.13149458961695257, -0.03357623298945459, 0.5301981905766258, 0.29238795029006986, -0.7271291892650461, 0.050000000000000024, -0.1, 0.2, 3.288104872233022e-17, 0.1, 0.946898670005, 0.6808691040945588, 1.1328687878915051, 1.328492839303229, 0.9037572296308551, -0.2304033492591503, -0.2547986172395857, 0.03722550562729378, 0.23091231593552516, -0.14793835932163518, 0.011878275924949496, -0.4360752273304005, 0.23212727532648295, 0.991616652775363, -0.210753649279037, 0.16803130749740555, 0.7872900469280927, -0.0501498560322673, 0.83659961391475, 0.3556711933712469, -0.5414378565839314, 0.23158883501521021, -0.7342129764978411, 0.8220977707946412, 0.15930202318405476, 0.9917945563955453, -0.13870547350602852, -1.0409965758868025, 0.5843218597057646, 0.341155930922919, 4.964333467449253e-17, 0.1, -0.049999999999999996, 0.2, 0.7635737074974418, 0.8030998942477278, 0.6671743104020722, 0.7565629469404151, -0.038055098929696655, -0.05763527700001136, 0.07185091194493733, -0.10114490963112807, 0.17641588792543203, 0.12519441033479367, -0.0016102982602257281, 0.44822323479364967, -0.11303592802591901, -0.635187306767731, -0.2107422784379874, 0.4476089283658358, 0.7631333500721516, 0.1900910846308599, 0.41058385925243235, -0.5006749438832924, 0.02220453850686886, -0.13409553957276987, 0.11189100106590096],
            statistics: [0.036384202024438914, -0.043977916807736564, 0.26310519147973344, -0.0026795000259482865, -0.028154268099133902, 0.6262878709966674, 1.2688280203213274, 1.2127735985930461, 0.7597894975836681, 1.1664422013404803, -0.13149633626121376, 0.10582114162603967, 0.31140484341178826, 0.6587728527593891, 0.751804421246274, 1.2613626071165374, 0.9206293978309346, 1.4905120357426662],
            train: [1.4294939905842152, 1.5641025478147783, 1.533228434748884, 0.9790611131868933],
            validation: [1.5791103623771037, 1.235040367575941, 0.8887209004690223, 0.7843037429029702]),
        "fullbatch": Reference(
            parameters: [0.2624062287869269, -0.4875614458771607, 0.7606290629482615, 0.06164989830040833, -0.23956362791666064, 0.6125502838137207, 0.15989043632810854, -0.3640268118243637, 0.7395754934938374, 0.5391855243749923, -0.2600734328137802, 0.8675518410778912, 0.06338788265195786, -0.5602023574172936, 0.3718587031540392, 0.23926461097218732, -0.13983331382173148, 0.5399001935127115, 0.2600977259994863, -0.7599782877814192, 0.04999999995134628, -0.10000000001899988, 0.1999999999566704, 1.3888634216604937e-10, 0.10000000003070429, 0.9598993940709563, 0.9610484118750214, 0.9603954133704156, 1.0400058944554484, 0.9830540217224307, 0.03914276530214454, -0.03964094839873673, -0.03972259063501398, -0.03979942603335224, -0.03127483801816667, 0.3598864039839773, -0.737586012761375, 0.2399683754418151, 0.5396992603941416, -0.32150574961485634, 0.6025641383329083, 0.7600070463816091, -0.1598850412461415, 0.6599387432491849, 0.13621492313387884, -0.5396102606206284, 0.26001917535922436, -0.6400865321168359, 0.3640894168039867, 0.2400244191031985, 0.9399578820353411, 0.06067453128722382, -0.7768221218069581, 0.6397113012262365, -0.36000029173286907, -1.314281233388122e-10, 0.10000000006544399, -0.04999999999468785, 0.20000000000737653, 1.039845977378478, 0.965431949864699, 0.959915404473573, 1.0401134616942598, 0.03974100426902555, -0.03964555894423882, -0.04007754137929413, -0.040010050582747494, 0.5400394678111472, -0.438687486102601, 0.15993345287642122, -0.16097677850488148, 0.5601436661138406, -0.7398821243794385, 0.7599139865260814, 0.26031548960754847, -0.06003042669349666, -0.5379373032087915, 0.24008506301708232, 0.3599103448643871, 0.09999999998183495, -0.09999999968311077, 5.340451608419768e-11, 0.9604982955588008, 0.9613822812972327, 0.9601192293351586, 0.037322060236298034, 0.012277203363230241, -0.03815448903727404],
            statistics: [0.03920074945821925, -0.03317307493624769, 0.1416402286811484, 0.008777122614149329, -0.01709387453297223, 0.8147684734565827, 1.0356982353839304, 1.0076970953024418, 0.9078010097739906, 1.0271217449336538, 0.0184666285320415, 0.04528675224096676, -0.04925984561310921, 0.0775593733085547, 0.7832764105156784, 0.8230773891877936, 1.0989099743011264, 1.0668964987201173, 0.12091997242229416, 0.056542273764072414, -0.023661777701906257, 0.7762603410659903, 0.7032180992037788, 0.7552913918768377],
            train: [1.3594877647190857, 1.692291048668974, 1.6088091308037367, 1.5282805977851794, 1.4498043507581653],
            validation: [1.4975570217431349, 1.47737442597373, 1.455522329054914, 1.432877057471835, 1.409800048860653]),
        "dropout": Reference(
            parameters: [0.2638307172967659, -0.44854550137445204, 0.7925058537808247, 0.08366378722185919, -0.2106577913364898, 0.5654843097592005, 0.16024357189002114, -0.383626034228607, 0.7647430901025521, 0.4993297225141233, -0.2615604378030785, 0.8303322496905332, 0.12380448257202102, -0.5886082482746015, 0.4127736351693111, 0.2152536157973512, -0.12886508011338046, 0.5204702388667101, 0.22932706804844769, -0.7982894312122805, 0.01847729974184187, -0.18846785016536824, 0.20118191383239784, -0.012206221835225984, 0.11169808263833272, 0.3830264629960238, -0.6531993113860555, 0.20996274907109047, 0.49076879407577173, -0.31094799504487336, 0.5370139525391052, 0.764405643718114, -0.08954539421200675, 0.672337455063402, 0.13436497181995696, -0.5226356446048553, 0.3159138695001121, -0.6071756835196688, 0.4391663193198581, 0.21575411495283428, 0.8938726153058064, 0.07677442473894623, -0.8278592189825685, 0.5988276534526698, -0.36527382500127703, 0.01261387144260843, 0.13564498071087278, -0.023678282964065746, 0.22283269139903078, 0.5196255083460763, -0.3459371803796769, 0.12631167203360064, -0.20194831159388554, 0.5589050520394908, -0.6569567404456051, 0.7261723896921418, 0.2608916970805558, 0.012935913227302382, -0.43457709920369847, 0.22708731144400326, 0.30748978775969515, 0.10840106145479333, -0.1276590113862951, 0.0192579499315018],
            statistics: [],
            train: [1.4294965072440382, 1.5021652105301344, 1.2766429389026903, 1.2848984562672778],
            validation: [1.5791136539486963, 1.4776136622286593, 1.3995235229324148, 1.3575282039787513]),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var layers: [LayerSpec]
        var batch: Int?
        var optimizer: OptimizerConfiguration
        var epochs: Int
        var seed: UInt64
        /// 1e-12, except with Adam: a bias before batch normalisation has a gradient that is
        /// zero but for rounding (Σ dz over the batch, about 1e-17, in whatever order each side
        /// sums), and Adam divides it by √v + 1e-8, so each step moves that bias by rounding
        /// noise of about 1e-11 (here up to 4e-10 after 4 steps, in the biases and through them
        /// the running means). Within the engine's standard of 1e-9.
        var tolerance = 1e-12
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "minibatch",
             layers: [LayerSpec(units: 5, activation: .relu, batchNorm: true, dropout: 0.3), LayerSpec(units: 4, activation: .tanh, batchNorm: true, dropout: 0.2),
                      LayerSpec(units: 3, activation: .softmax)],
             batch: 5, optimizer: OptimizerConfiguration(learningRate: 0.1, momentum: 0.9), epochs: 3, seed: 7),
        Case(name: "fullbatch",
             layers: [LayerSpec(units: 5, activation: .tanh, batchNorm: true), LayerSpec(units: 4, activation: .relu, batchNorm: true),
                      LayerSpec(units: 3, activation: .softmax, batchNorm: true)],
             batch: nil, optimizer: OptimizerConfiguration(kind: .adam, learningRate: 0.01), epochs: 4, seed: 3, tolerance: 1e-9),
        Case(name: "dropout",
             layers: [LayerSpec(units: 5, activation: .relu, dropout: 0.5), LayerSpec(units: 4, activation: .tanh, dropout: 0.25),
                      LayerSpec(units: 3, activation: .softmax)],
             batch: nil, optimizer: OptimizerConfiguration(learningRate: 0.2), epochs: 3, seed: 11),
    ]

    static func configuration(_ c: Case, earlyStopping: EarlyStopping? = nil) -> TrainingConfiguration {
        TrainingConfiguration(epochs: c.epochs, batchSize: c.batch, loss: .crossEntropy, optimizer: c.optimizer, seed: c.seed,
                              earlyStopping: earlyStopping)
    }

    static func network(_ c: Case) -> Network<Double> {
        Network(inputs: 4, architecture: c.layers, weightsAndBiases: dense)
    }

    @Test(arguments: cases)
    func trainingEqualsPyTorch(_ c: Case) throws {
        let reference = try #require(Self.torch[c.name])
        let result = Trainer<Double>(configuration: Self.configuration(c)).train(Self.network(c), on: Self.data, validation: Self.validation)
        #expect(result.outcome == .completed)
        expectClose(result.network.parameters, reference.parameters, tolerance: c.tolerance)
        expectClose(result.network.statistics, reference.statistics, tolerance: c.tolerance)
        expectClose(result.records.map(\.trainLoss), reference.train, tolerance: c.tolerance)
        expectClose(result.records.map { $0.validationLoss! }, reference.validation, tolerance: c.tolerance)
    }

    /// The script's first mask of seed 7 (5 rows of 5 units, p = 0.3) is the one backprop draws.
    @Test func theMaskIsTheScripts() {
        let k = 1 / 0.7
        let mask: [Double] = [0, k, k, k, k, k, k, 0, k, k, k, 0, k, 0, k, k, k, k, 0, 0, k, 0, k, 0, k]
        let network = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 5, activation: .relu, dropout: 0.3), LayerSpec(units: 1, activation: .sigmoid)],
                                      initialization: .xavier, seed: 0)
        let x = Matrix<Double>([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]])
        let trace = Trainer<Double>(configuration: TrainingConfiguration(epochs: 1, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 7))
            .traceFirstStep(network, inputs: x, targets: Matrix(rows: 5, columns: 1))
        #expect(trace.forward[0].mask?.elements == mask)
        // a = f(y) ⊙ mask, and the gradient flows only through the kept units.
        #expect(trace.forward[0].a.elements == zip(trace.forward[0].activated!.elements, mask).map { $0 * $1 })
    }

    /// Backpropagation through batch normalisation (its batch statistics included) and
    /// dropout (one fixed mask) against central differences, for every parameter of every layer.
    @Test func gradientsMatchFiniteDifferences() {
        let layers = [LayerSpec(units: 5, activation: .tanh, batchNorm: true, dropout: 0.4), LayerSpec(units: 4, activation: .sigmoid, batchNorm: true),
                      LayerSpec(units: 3, activation: .softmax, batchNorm: true)]
        var network = Network<Double>(inputs: 4, architecture: layers, initialization: .xavier, seed: 5)
        // γ and β away from 1 and 0, so that their own gradients are exercised.
        for l in network.layers.indices { for i in network.layers[l].scaleOffset..<network.layers[l].endOffset { network.parameters[i] += 0.1 * Double(i % 7) - 0.3 } }
        let results = network.gradientCheck(inputs: Self.data.inputs, targets: Self.data.targets, loss: .crossEntropy, seed: 9)
        #expect(results.count == 3)
        for r in results {
            #expect(r.maxRelativeErrorWeights < 1e-7, "layer \(r.layer)")
            #expect(r.maxRelativeErrorNormalization! < 1e-7, "layer \(r.layer)")
            // A bias before batch normalisation has no effect at all: both sides are 0 but for
            // rounding, the difference quotient's about ε·L/h = 1e-11, over the floor 1e-4.
            #expect(r.maxRelativeErrorBiases < 1e-6, "layer \(r.layer)")
        }
    }

    /// Evaluation uses the running statistics, by hand: one unit, z = 2x + 1, running mean 3 and
    /// variance 4, γ = 0.5, β = 0.25, linear: y = 0.5 (z - 3)/√(4 + 1e-5) + 0.25.
    @Test func evaluationUsesTheRunningStatistics() {
        let network = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear, batchNorm: true)],
                                      parameters: [2, 1, 0.5, 0.25], statistics: [3, 4])
        let out = network.predict(Matrix([[0], [1], [5]]))
        for (x, y) in zip([0.0, 1, 5], out.elements) {
            expectClose(y, 0.5 * (2 * x + 1 - 3) / (4 + 1e-5).squareRoot() + 0.25, tolerance: 1e-15)
        }
        // One training step's statistics by hand: z = 1, 3, 11 has mean 5, biased variance 56/3;
        // running mean 0.9·3 + 0.1·5 = 3.2, variance 0.9·4 + 0.1·28 (unbiased) = 6.4.
        let trace = Trainer<Double>(configuration: TrainingConfiguration(epochs: 1, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 0))
            .traceFirstStep(network, inputs: Matrix([[0], [1], [5]]), targets: Matrix([[0], [0], [0]]))
        expectClose(trace.forward[0].batchMean!, [5], tolerance: 1e-15)
        expectClose(trace.forward[0].batchVariance!, [56.0 / 3], tolerance: 1e-14)
        expectClose(trace.runningStatistics[0]!.mean, [3.2], tolerance: 1e-15)
        expectClose(trace.runningStatistics[0]!.variance, [6.4], tolerance: 1e-14)
        // In training the output is normalised by the batch: mean β, and γ²·σ²/(σ² + ε) as variance.
        let y = trace.forward[0].normalized!.elements
        expectClose(y.reduce(0, +) / 3, 0.25, tolerance: 1e-15)
    }

    /// A loop paused after epoch 1 and continued from its state (running statistics, dropout
    /// stream, shuffling, optimizer) ends where the uninterrupted one does, bit for bit.
    @Test(arguments: cases)
    func resumingIsBitForBit(_ c: Case) {
        let configuration = Self.configuration(c)
        let whole = Trainer<Double>(configuration: configuration).train(Self.network(c), on: Self.data, validation: Self.validation)
        let first = TrainingLoop(configuration: configuration, network: Self.network(c), data: Self.data, validation: Self.validation)
        var records = [EpochRecord]()
        #expect(first.run(pauseAfter: { $0 == 1 }) { records.append($0.record); return true } == nil)
        let state = first.state
        #expect(state.problem(configuration: configuration, parameters: first.network.parameters.count,
                              statistics: first.network.statistics.count, rows: Self.data.count) == nil)
        let second = TrainingLoop(configuration: configuration, network: Self.network(c), resuming: state, data: Self.data, validation: Self.validation)
        #expect(second.run { records.append($0.record); return true } == .completed)
        #expect(second.network == whole.network)
        #expect(records == whole.records)
    }

    /// Early stopping hands back the best epoch's running statistics with its parameters: the
    /// same network as a run trained to that epoch only.
    @Test func earlyStoppingRestoresTheStatistics() throws {
        var c = Self.cases[0]
        c.epochs = 40
        c.optimizer = OptimizerConfiguration(learningRate: 0.5, momentum: 0.9)
        let stopped = Trainer<Double>(configuration: Self.configuration(c, earlyStopping: EarlyStopping(patience: 2)))
            .train(Self.network(c), on: Self.data, validation: Self.validation)
        guard case let .earlyStopped(_, best) = stopped.outcome else { Issue.record("\(stopped.outcome)"); return }
        c.epochs = best
        let direct = Trainer<Double>(configuration: Self.configuration(c)).train(Self.network(c), on: Self.data, validation: Self.validation)
        #expect(stopped.network == direct.network)
        #expect(!stopped.network.statistics.isEmpty)
    }
}
