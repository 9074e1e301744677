/// A feed-forward network of dense layers, its parameters in one flat block.
///
/// Layout of `parameters`: for each layer in order, its weights W (inputs x units,
/// row-major) then its biases b (units).
public struct Network<T: Scalar>: Equatable, Sendable {
    public let inputs: Int
    public let layers: [DenseLayer]
    public var parameters: [T]

    /// The layers' shapes and offsets for an input width and an architecture.
    public static func layout(inputs: Int, architecture: [LayerSpec]) -> [DenseLayer] {
        var offset = 0, width = inputs
        return architecture.map { spec in
            let layer = DenseLayer(inputs: width, units: spec.units, activation: spec.activation,
                                   weightOffset: offset, biasOffset: offset + width * spec.units)
            offset += layer.parameterCount
            width = spec.units
            return layer
        }
    }

    public static func parameterCount(inputs: Int, architecture: [LayerSpec]) -> Int {
        layout(inputs: inputs, architecture: architecture).reduce(0) { $0 + $1.parameterCount }
    }

    /// A network with the given flat parameters.
    public init(inputs: Int, architecture: [LayerSpec], parameters: [T]) {
        precondition(inputs > 0 && !architecture.isEmpty && architecture.allSatisfy { $0.units > 0 }, "empty network")
        self.inputs = inputs
        self.layers = Self.layout(inputs: inputs, architecture: architecture)
        precondition(parameters.count == layers.reduce(0) { $0 + $1.parameterCount }, "parameter count does not match the architecture")
        self.parameters = parameters
    }

    /// A network with explicit weights (inputs x units) and biases for every layer.
    public init(inputs: Int, architecture: [LayerSpec], weightsAndBiases: [(weights: Matrix<T>, biases: [T])]) {
        precondition(weightsAndBiases.count == architecture.count)
        self.init(inputs: inputs, architecture: architecture,
                  parameters: weightsAndBiases.flatMap { $0.weights.elements + $0.biases })
    }

    /// A network initialised by a seeded scheme (see `Initialization`).
    public init(inputs: Int, architecture: [LayerSpec], initialization: Initialization, seed: UInt64) {
        let layers = Self.layout(inputs: inputs, architecture: architecture)
        self.init(inputs: inputs, architecture: architecture,
                  parameters: initialization.parameters(for: layers, seed: seed).map { T($0) })
    }

    public var architecture: [LayerSpec] { layers.map { LayerSpec(units: $0.units, activation: $0.activation) } }
    public var outputs: Int { layers.last!.units }

    /// Layer l's weights, (inputs x units).
    public func weights(_ l: Int) -> Matrix<T> {
        let layer = layers[l]
        return Matrix(rows: layer.inputs, columns: layer.units,
                      elements: Array(parameters[layer.weightOffset..<layer.biasOffset]))
    }

    /// Layer l's biases, (units).
    public func biases(_ l: Int) -> [T] {
        let layer = layers[l]
        return Array(parameters[layer.biasOffset..<(layer.biasOffset + layer.units)])
    }

    /// The network's outputs for a batch.
    /// x: (batch, inputs) -> (batch, outputs)
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func predict(_ x: Matrix<T>) -> Matrix<T> {
        precondition(x.columns == inputs, "predict: \(x.columns) input columns for a network of \(inputs) inputs")
        // In chunks of at most 1024 rows, through one small workspace, however many rows come.
        let workspace = Workspace<T>(network: self, capacity: max(Workspace<T>.evaluationRows(for: self, rows: x.rows), 1), backward: false, batches: false)
        var out = Matrix<T>(rows: x.rows, columns: outputs)
        x.elements.withUnsafeBufferPointer { xp in
            out.elements.withUnsafeMutableBufferPointer { op in
                var start = 0
                while start < x.rows {
                    let rows = min(workspace.capacity, x.rows - start)
                    forward(xp.baseAddress! + start * inputs, rows: rows, workspace: workspace)
                    (op.baseAddress! + start * outputs).update(from: workspace.a[layers.count - 1], count: rows * outputs)
                    start += rows
                }
            }
        }
        return out
    }

    /// Whether every parameter is finite (no NaN, no infinity): checked after every epoch.
    public var parametersAreFinite: Bool {
        parameters.withUnsafeBufferPointer { p in
            for v in p where !v.isFinite { return false }
            return true
        }
    }

    /// The same network in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Network<U> {
        Network<U>(inputs: inputs, architecture: architecture, parameters: parameters.map { U($0) })
    }
}
