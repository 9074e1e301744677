import BackpropCore
import BackpropData
import Testing
import TestSupport

@Suite struct TrainingTests {
    /// y = 3x - 2 on 20 points: a linear unit must find m and b (mlx-swift's convergence test).
    @Test func fitsALine() {
        let xs = (0..<20).map { Double($0) / 10 - 1 }
        let data = Dataset<Double>(inputs: Matrix(xs.map { [$0] }), targets: Matrix(xs.map { [3 * $0 - 2] }))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [0, 0])
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 500, batchSize: 5, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 1)).train(net, on: data)
        expectClose(result.network.parameters, [3, -2], tolerance: 1e-6)
        #expect(result.records.last!.trainLoss < 1e-12)
    }

    @Test func recordsEpochZeroBeforeAnyUpdate() {
        let data = Dataset<Double>(inputs: Matrix([[1.0]]), targets: Matrix([[2.0]]))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [0.5, 0])
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 3, loss: .sse, optimizer: OptimizerConfiguration(learningRate: 0.5), seed: 1)).train(net, on: data)
        #expect(result.records.map(\.epoch) == [0, 1, 2, 3])
        // y = w·1 + b; each step moves w and b by -0.5 (y - 2), so y_{n+1} - 2 = 0 · ... : y0 = 0.5,
        // error -1.5; y1 = 0.5 + 2·0.75 = 2.0 exactly, then stays.
        expectClose(result.records[0].trainLoss, 0.5 * 1.5 * 1.5, tolerance: 0)
        expectClose(result.records[1].trainLoss, 0, tolerance: 1e-30)
        #expect(result.records.allSatisfy { $0.learningRate == 0.5 })
    }

    @Test func accuracyAndValidation() {
        // Two separable clusters; a sigmoid unit learns them fully.
        let inputs = Matrix<Double>([[-2, -1], [-1.5, -2], [-1, -1], [2, 1], [1.5, 2], [1, 1]])
        let data = Dataset(inputs: inputs, targets: Matrix([[0], [0], [0], [1], [1], [1]]), labels: [0, 0, 0, 1, 1, 1])
        let net = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 1, activation: .sigmoid)], initialization: .xavier, seed: 3)
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 200, loss: .binaryCrossEntropy, optimizer: OptimizerConfiguration(learningRate: 1), seed: 3))
            .train(net, on: data, validation: data)
        #expect(result.records.last!.trainAccuracy == 1)
        #expect(result.records.last!.validationAccuracy == 1)
        #expect(result.records.last!.validationLoss == result.records.last!.trainLoss)
    }

    @Test func divergenceStopsTheRun() {
        let data = Dataset<Double>(inputs: Matrix([[1.0], [2.0], [3.0]]), targets: Matrix([[1.0], [4.0], [9.0]]))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 4, activation: .linear), LayerSpec(units: 1, activation: .linear)],
                                  initialization: .xavier, seed: 1)
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 1000, loss: .sse, optimizer: OptimizerConfiguration(learningRate: 10), seed: 1)).train(net, on: data)
        guard case let .diverged(epoch) = result.outcome else { Issue.record("expected divergence, got \(result.outcome)"); return }
        #expect(epoch > 0 && epoch < 1000)
        #expect(result.records.count == epoch + 1)
    }

    @Test func theCallerCanStopTheLoop() {
        let data = Dataset<Double>(inputs: Matrix([[1.0]]), targets: Matrix([[1.0]]))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [0, 0])
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 100, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.1), seed: 1))
            .train(net, on: data) { $0.record.epoch < 5 }
        #expect(result.outcome == .stopped(epoch: 5))
        #expect(result.records.count == 6)
    }

    @Test func miniBatchShufflingDependsOnlyOnTheSeed() {
        let data = Dataset<Double>(inputs: randomMatrix(rows: 30, columns: 2, seed: 1), targets: randomMatrix(rows: 30, columns: 1, seed: 2))
        let net = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 1, activation: .linear)], initialization: .xavier, seed: 1)
        func run(_ seed: UInt64) -> [Double] {
            Trainer<Double>(configuration: TrainingConfiguration(epochs: 3, batchSize: 7, loss: .mse,
                                                                 optimizer: OptimizerConfiguration(learningRate: 0.1), seed: seed))
                .train(net, on: data).network.parameters
        }
        #expect(run(5) == run(5))
        #expect(run(5) != run(6))
    }

    @Test func splitIsSeededAndDisjoint() {
        let data = Dataset<Double>(inputs: Matrix((0..<20).map { [Double($0)] }), targets: Matrix((0..<20).map { [Double($0)] }))
        let (train, val) = data.split(validationFraction: 0.25, seed: 9)
        #expect(train.count == 15 && val?.count == 5)
        let all = Set(train.inputs.elements + val!.inputs.elements)
        #expect(all.count == 20)
        #expect(data.split(validationFraction: 0.25, seed: 9).validation!.inputs == val!.inputs)
    }
}

@Suite struct EarlyStoppingTests {
    /// Training and validation disagree (opposite targets), so the validation loss rises once
    /// training fits: early stopping must stop `patience` epochs after the best and return
    /// exactly the parameters that epoch had.
    @Test func restoresTheBestEpoch() {
        let xs = (0..<16).map { Double($0) / 8 - 1 }
        let train = Dataset<Double>(inputs: Matrix(xs.map { [$0] }), targets: Matrix(xs.map { [2 * $0 + 0.3] }))
        let validation = Dataset<Double>(inputs: Matrix(xs.map { [$0] }), targets: Matrix(xs.map { [0.5 * $0 + 0.3] }))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [0, 0])
        func configuration(epochs: Int, stopping: EarlyStopping?) -> TrainingConfiguration {
            TrainingConfiguration(epochs: epochs, batchSize: 4, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.05),
                                  seed: 7, earlyStopping: stopping)
        }
        let result = Trainer<Double>(configuration: configuration(epochs: 200, stopping: EarlyStopping(patience: 5)))
            .train(net, on: train, validation: validation)
        guard case let .earlyStopped(epoch, best) = result.outcome else {
            Issue.record("expected early stopping, got \(result.outcome)")
            return
        }
        #expect(best > 0 && epoch == best + 5)
        #expect(result.records.count == epoch + 1)
        let losses = result.records.map { $0.validationLoss! }
        #expect(losses[best] == losses.min())
        // The same run cut at the best epoch, without early stopping: identical bits.
        let cut = Trainer<Double>(configuration: configuration(epochs: best, stopping: nil)).train(net, on: train, validation: validation)
        #expect(result.network.parameters == cut.network.parameters)
    }

    @Test func minDeltaIgnoresTinyImprovements() {
        // A loss that keeps improving by less than min_delta counts as no improvement.
        let data = Dataset<Double>(inputs: Matrix([[1.0]]), targets: Matrix([[2.0]]))
        let net = Network<Double>(inputs: 1, architecture: [LayerSpec(units: 1, activation: .linear)], parameters: [0, 0])
        let result = Trainer<Double>(configuration: TrainingConfiguration(
            epochs: 100, loss: .mse, optimizer: OptimizerConfiguration(learningRate: 0.001), seed: 0,
            earlyStopping: EarlyStopping(patience: 3, minDelta: 1))).train(net, on: data, validation: data)
        #expect(result.outcome == .earlyStopped(epoch: 3, bestEpoch: 0))
        #expect(result.network.parameters == [0, 0])
    }
}
