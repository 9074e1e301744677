/// A feed-forward network of dense layers, its parameters in one flat block.
///
/// Layout of `parameters`: for each layer in order, its weights W (inputs x units,
/// row-major), its biases b (units), then with batch normalisation its scale γ and shift β
/// (units each). `statistics` holds batch normalisation's running mean and variance, per
/// batch-normalised layer in order (units each): state that training updates and
/// evaluation reads, but no optimizer touches.
public struct Network<T: Scalar>: Equatable, Sendable {
    public let inputs: Int
    public let layers: [DenseLayer]
    public var parameters: [T]
    public var statistics: [T]

    /// The layers' shapes and offsets for an input width and an architecture.
    public static func layout(inputs: Int, architecture: [LayerSpec]) -> [DenseLayer] {
        var offset = 0, statistics = 0, width = inputs
        return architecture.map { spec in
            let layer = DenseLayer(inputs: width, units: spec.units, activation: spec.activation,
                                   weightOffset: offset, biasOffset: offset + width * spec.units,
                                   batchNorm: spec.batchNorm, dropout: spec.dropout, statisticsOffset: statistics)
            offset += layer.parameterCount
            statistics += layer.statisticsCount
            width = spec.units
            return layer
        }
    }

    /// Running means 0 and variances 1, as PyTorch's BatchNorm1d starts.
    public static func initialStatistics(_ layers: [DenseLayer]) -> [T] {
        var out = [T]()
        for layer in layers where layer.batchNorm {
            out += repeatElement(0, count: layer.units)
            out += repeatElement(1, count: layer.units)
        }
        return out
    }

    public static func parameterCount(inputs: Int, architecture: [LayerSpec]) -> Int {
        layout(inputs: inputs, architecture: architecture).reduce(0) { $0 + $1.parameterCount }
    }

    /// A network with the given flat parameters and (nil: initial) running statistics.
    public init(inputs: Int, architecture: [LayerSpec], parameters: [T], statistics: [T]? = nil) {
        precondition(inputs > 0 && !architecture.isEmpty && architecture.allSatisfy { $0.units > 0 }, "empty network")
        self.inputs = inputs
        self.layers = Self.layout(inputs: inputs, architecture: architecture)
        precondition(parameters.count == layers.reduce(0) { $0 + $1.parameterCount }, "parameter count does not match the architecture")
        self.parameters = parameters
        self.statistics = statistics ?? Self.initialStatistics(layers)
        precondition(self.statistics.count == layers.reduce(0) { $0 + $1.statisticsCount }, "statistics do not match the architecture")
    }

    /// A network with explicit weights (inputs x units) and biases for every layer; a
    /// batch-normalised layer's γ and β start at 1 and 0, as PyTorch's do.
    public init(inputs: Int, architecture: [LayerSpec], weightsAndBiases: [(weights: Matrix<T>, biases: [T])]) {
        precondition(weightsAndBiases.count == architecture.count)
        var flat = [T]()
        for (spec, layer) in zip(architecture, weightsAndBiases) {
            flat += layer.weights.elements + layer.biases
            if spec.batchNorm { flat += repeatElement(1, count: spec.units); flat += repeatElement(0, count: spec.units) }
        }
        self.init(inputs: inputs, architecture: architecture, parameters: flat)
    }

    /// A network initialised by a seeded scheme (see `Initialization`).
    public init(inputs: Int, architecture: [LayerSpec], initialization: Initialization, seed: UInt64) {
        let layers = Self.layout(inputs: inputs, architecture: architecture)
        self.init(inputs: inputs, architecture: architecture,
                  parameters: initialization.parameters(for: layers, seed: seed).map { T($0) })
    }

    public var architecture: [LayerSpec] {
        layers.map { LayerSpec(units: $0.units, activation: $0.activation, batchNorm: $0.batchNorm, dropout: $0.dropout) }
    }
    /// Whether training and evaluation differ (batch normalisation, dropout).
    public var trainsDifferently: Bool { layers.contains { $0.trainsDifferently } }
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

    /// Layer l's batch-normalisation scale γ and shift β (units each); nil without.
    public func normalization(_ l: Int) -> (scale: [T], shift: [T])? {
        let layer = layers[l]
        guard layer.batchNorm else { return nil }
        let s = layer.scaleOffset
        return (Array(parameters[s..<(s + layer.units)]), Array(parameters[(s + layer.units)..<layer.endOffset]))
    }

    /// Layer l's running mean and variance (units each); nil without batch normalisation.
    public func runningStatistics(_ l: Int) -> (mean: [T], variance: [T])? {
        let layer = layers[l]
        guard layer.batchNorm else { return nil }
        let s = layer.statisticsOffset
        return (Array(statistics[s..<(s + layer.units)]), Array(statistics[(s + layer.units)..<(s + 2 * layer.units)]))
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
        SubnormalFlushing.with(T.self) {
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
        }
        return out
    }

    /// Whether every parameter is finite (no NaN, no infinity): checked after every epoch.
    public var parametersAreFinite: Bool {
        parameters.withUnsafeBufferPointer { p in
            for v in p where !v.isFinite { return false }
            return true
        } && statistics.allSatisfy(\.isFinite)
    }

    /// The same network in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Network<U> {
        Network<U>(inputs: inputs, architecture: architecture, parameters: parameters.map { U($0) }, statistics: statistics.map { U($0) })
    }
}
