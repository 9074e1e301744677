/// Every intermediate of one training step, layer by layer: what `backprop trace` prints.
public struct StepTrace<T: Scalar>: Sendable {
    /// z = a_prev·W + b and a = f(z), each (batch, units).
    public struct Forward: Sendable { public var z: Matrix<T>; public var a: Matrix<T> }
    /// delta = dL/dz (batch, units), dW = dL/dW (inputs, units), db = dL/db (units).
    public struct Backward: Sendable { public var delta: Matrix<T>; public var dW: Matrix<T>; public var db: [T] }
    /// The parameters after the update: weights (inputs, units), biases (units).
    public struct Parameters: Sendable { public var weights: Matrix<T>; public var biases: [T] }

    public var forward: [Forward]
    public var loss: T
    public var backward: [Backward]
    public var updated: [Parameters]
}

extension Network {
    /// One training step on one batch, keeping every intermediate.
    /// inputs: (batch, inputs), targets: (batch, outputs)
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func traceStep(inputs: Matrix<T>, targets: Matrix<T>, loss: Loss, optimizer configuration: OptimizerConfiguration) -> StepTrace<T> {
        precondition(inputs.rows == targets.rows && inputs.columns == self.inputs && targets.columns == outputs)
        let rows = inputs.rows
        let workspace = Workspace<T>(network: self, capacity: rows)
        var lossValue: T = 0
        inputs.elements.withUnsafeBufferPointer { x in
            targets.elements.withUnsafeBufferPointer { t in
                forward(x.baseAddress!, rows: rows, workspace: workspace)
                lossValue = self.loss(loss, target: t.baseAddress!, rows: rows, workspace: workspace)
                backward(x.baseAddress!, target: t.baseAddress!, rows: rows, loss: loss, workspace: workspace)
            }
        }
        let gradients = Network(inputs: self.inputs, architecture: architecture, parameters: workspace.gradientArray)
        var next = self
        var optimizer = configuration.make(parameterCount: parameters.count, scalar: T.self)
        next.parameters.withUnsafeMutableBufferPointer { p in
            optimizer.step(parameters: p.baseAddress!, gradients: workspace.gradients, count: p.count,
                           learningRate: T(configuration.learningRate))
        }
        return StepTrace(
            forward: layers.indices.map { l in
                .init(z: workspace.matrix(workspace.z[l], rows: rows, layer: l), a: workspace.matrix(workspace.a[l], rows: rows, layer: l))
            },
            loss: lossValue,
            backward: layers.indices.map { l in
                .init(delta: workspace.matrix(workspace.delta[l], rows: rows, layer: l), dW: gradients.weights(l), db: gradients.biases(l))
            },
            updated: layers.indices.map { l in .init(weights: next.weights(l), biases: next.biases(l)) })
    }
}
