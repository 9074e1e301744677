/// Every intermediate of one training step, layer by layer: what `backprop trace` prints.
public struct StepTrace<T: Scalar>: Sendable {
    /// z = a_prev·W + b and a = f(z), each (batch, units); with batch normalisation a = f(y),
    /// y = BN(z) with the batch's mean and biased variance (units each); with dropout, a is
    /// f(y) ⊙ mask, `activated` is f(y) and `mask` the mask (0 or 1/(1 - p)).
    public struct Forward: Sendable {
        public var z: Matrix<T>
        public var a: Matrix<T>
        public var normalized: Matrix<T>? = nil
        public var batchMean: [T]? = nil
        public var batchVariance: [T]? = nil
        public var activated: Matrix<T>? = nil
        public var mask: Matrix<T>? = nil
    }
    /// delta = dL/dz (batch, units), dW = dL/dW (inputs, units), db = dL/db (units); with
    /// batch normalisation dγ and dβ (units each).
    public struct Backward: Sendable {
        public var delta: Matrix<T>; public var dW: Matrix<T>; public var db: [T]
        public var dScale: [T]? = nil; public var dShift: [T]? = nil
    }
    /// Weights (inputs, units) and biases (units) of one layer, and batch normalisation's γ
    /// and β: parameters, or a buffer of optimizer state in their layout.
    public struct Parameters: Sendable {
        public var weights: Matrix<T>; public var biases: [T]
        public var scale: [T]? = nil; public var shift: [T]? = nil
    }
    /// One buffer of the optimizer's state after the step ("v" for momentum; "m", "v" for Adam).
    public struct State: Sendable { public var name: String; public var layers: [Parameters] }

    public var forward: [Forward]
    /// The data loss of the forward pass (without the weight-decay penalty, as logged).
    public var loss: T
    /// dW includes the weight-decay term λ/n·W: it is the gradient the optimizer received.
    public var backward: [Backward]
    public var updated: [Parameters]
    /// The learning rate of the step (epoch 1's, from the schedule).
    public var learningRate: Double
    public var weightDecay: Double
    /// The L1 penalty (its term λ₁·sign(W) is in dW too).
    public var l1: Double = 0
    /// With `training.clip_grad_norm`: the gradient's norm before clipping and the coefficient
    /// it was multiplied by (dW and db are after it).
    public var clipping: (maxNorm: Double, norm: Double, coefficient: Double)? = nil
    public var rows: Int
    public var state: [State]
    /// Adam's step count t after the step (1); nil for SGD.
    public var adamSteps: Int?
    /// Per layer, batch normalisation's running mean and variance after the step; nil without.
    public var runningStatistics: [(mean: [T], variance: [T])?] = []
}

extension Trainer {
    /// The first update of a run on one batch (inputs: (batch, inputs), targets: (batch,
    /// outputs)), keeping every intermediate. It is `train`'s own step: on the whole
    /// training set in order, its updated parameters are those of a one-epoch full-batch run,
    /// bit for bit.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func traceFirstStep(_ network: Network<T>, inputs: Matrix<T>, targets: Matrix<T>) -> StepTrace<T> {
        precondition(inputs.rows == targets.rows && inputs.columns == network.inputs && targets.columns == network.outputs)
        let rows = inputs.rows, loss = configuration.loss
        let workspace = Workspace<T>(network: network, capacity: rows)
        let optimizer = configuration.optimizer.make(parameterCount: network.parameters.count, scalar: T.self)
        let learningRate = configuration.optimizer.learningRate(epoch: 1, of: configuration.epochs)
        var next = network
        var lossValue: T = 0
        var clipped: (norm: T, coefficient: T)?
        // The first masks of the run's own dropout stream, as its first training batch draws them.
        var masks = Xoshiro256StarStar(seed: configuration.seed, stream: .dropout)
        SubnormalFlushing.with(T.self) {
            inputs.elements.withUnsafeBufferPointer { x in
                targets.elements.withUnsafeBufferPointer { t in
                    network.drawDropoutMasks(rows: rows, workspace: workspace, using: &masks)
                    network.forward(x.baseAddress!, rows: rows, workspace: workspace, mode: .training)
                    lossValue = network.loss(loss, target: t.baseAddress!, rows: rows, workspace: workspace)
                    next.updateRunningStatistics(workspace: workspace, rows: rows)
                    clipped = next.trainingStep(x.baseAddress!, target: t.baseAddress!, rows: rows, loss: loss,
                                                weightDecay: T(configuration.optimizer.weightDecay), optimizer: optimizer,
                                                learningRate: learningRate, workspace: workspace,
                                                l1: T(configuration.optimizer.l1), clipNorm: configuration.clipGradNorm.map { T($0) })
                }
        }
        }
        func layers(_ flat: [T]) -> [StepTrace<T>.Parameters] {
            let n = Network(inputs: network.inputs, architecture: network.architecture, parameters: flat)
            return n.layers.indices.map {
                .init(weights: n.weights($0), biases: n.biases($0), scale: n.normalization($0)?.scale, shift: n.normalization($0)?.shift)
            }
        }
        func vector(_ p: UnsafeMutablePointer<T>?, _ count: Int) -> [T]? { p.map { Array(UnsafeBufferPointer(start: $0, count: count)) } }
        func matrix(_ p: UnsafeMutablePointer<T>?, layer l: Int) -> Matrix<T>? { p.map { workspace.matrix($0, rows: rows, layer: l) } }
        let gradients = layers(workspace.gradientArray)
        let state = optimizer.state(count: network.parameters.count)
        var trace = StepTrace(
            forward: network.layers.indices.map { l in
                let units = network.layers[l].units
                return .init(z: workspace.matrix(workspace.z[l], rows: rows, layer: l), a: workspace.matrix(workspace.a[l], rows: rows, layer: l),
                             normalized: matrix(workspace.normalized[l], layer: l), batchMean: vector(workspace.batchMean[l], units),
                             batchVariance: vector(workspace.batchVariance[l], units), activated: matrix(workspace.activated[l], layer: l),
                             mask: matrix(workspace.mask[l], layer: l))
            },
            loss: lossValue,
            backward: network.layers.indices.map { l in
                .init(delta: workspace.matrix(workspace.delta[l], rows: rows, layer: l), dW: gradients[l].weights, db: gradients[l].biases,
                      dScale: gradients[l].scale, dShift: gradients[l].shift)
            },
            updated: layers(next.parameters),
            learningRate: learningRate, weightDecay: configuration.optimizer.weightDecay, rows: rows,
            state: state.buffers.map { .init(name: $0.name, layers: layers($0.values)) }, adamSteps: state.steps)
        trace.l1 = configuration.optimizer.l1
        trace.runningStatistics = next.layers.indices.map { next.runningStatistics($0) }
        if let maxNorm = configuration.clipGradNorm, let clipped {
            trace.clipping = (maxNorm, Double(clipped.norm), Double(clipped.coefficient))
        }
        return trace
    }
}

extension Network {
    /// One training step on one batch with `optimizer`'s base learning rate, keeping every
    /// intermediate: `Trainer.traceFirstStep` for a one-epoch configuration.
    public func traceStep(inputs: Matrix<T>, targets: Matrix<T>, loss: Loss, optimizer: OptimizerConfiguration) -> StepTrace<T> {
        Trainer<T>(configuration: TrainingConfiguration(epochs: 1, loss: loss, optimizer: optimizer, seed: 0))
            .traceFirstStep(self, inputs: inputs, targets: targets)
    }
}
