/// The memory one training run works in, allocated once, so that the training loop
/// allocates nothing per batch.
///
/// For each layer l, for up to `capacity` rows: z[l] and a[l] (batch, units) from the
/// forward pass, delta[l] = dL/dz (batch, units) from the backward pass. `gradients` has
/// the layout of the network's flat parameter block. `batchInputs` and `batchTargets`
/// hold the rows of a shuffled mini-batch.
public final class Workspace<T: Scalar> {
    public let capacity: Int
    /// Whether it holds a backward pass (and so a training pass of every layer).
    public let holdsBackward: Bool
    public let parameterCount: Int
    let units: [Int]
    let z: [UnsafeMutablePointer<T>]
    let a: [UnsafeMutablePointer<T>]
    let delta: [UnsafeMutablePointer<T>]
    public let gradients: UnsafeMutablePointer<T>
    let batchInputs: UnsafeMutablePointer<T>
    let batchTargets: UnsafeMutablePointer<T>
    /// Layers that train differently, in a workspace that holds a backward pass: with
    /// dropout, f(·) before the mask (`activated`, batch x units; a holds it masked) and the
    /// mask; with batch normalisation, the batch's mean, biased variance and 1/√(σ² + ε)
    /// (units each). nil for other layers.
    let activated: [UnsafeMutablePointer<T>?]
    let mask: [UnsafeMutablePointer<T>?]
    let batchMean: [UnsafeMutablePointer<T>?]
    let batchVariance: [UnsafeMutablePointer<T>?]
    let inverseStd: [UnsafeMutablePointer<T>?]
    /// Batch normalisation's output y = γ ẑ + β, the activation's input (batch x units), in
    /// every workspace; nil for other layers (their activation reads z).
    let normalized: [UnsafeMutablePointer<T>?]

    /// - Parameters:
    ///   - backward: whether it holds a backward pass (delta and gradients); an evaluation
    ///     only runs forward.
    ///   - batches: whether it holds the rows of shuffled mini-batches; full-batch training and
    ///     evaluation read the dataset's own rows.
    /// What it does not hold is one number long (an evaluation workspace of Fashion-MNIST's
    /// 1,024 rows is 4 MB smaller in float32: its batch rows alone were 3.2 MB).
    public init(network: Network<T>, capacity: Int, backward: Bool = true, batches: Bool = true) {
        precondition(capacity > 0)
        self.capacity = capacity
        holdsBackward = backward
        units = network.layers.map(\.units)
        func allocate(_ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        z = units.map { allocate(capacity * $0) }
        a = units.map { allocate(capacity * $0) }
        delta = units.map { allocate(backward ? capacity * $0 : 1) }
        parameterCount = network.parameters.count
        gradients = allocate(backward ? parameterCount : 1)
        batchInputs = allocate(batches ? capacity * network.inputs : 1)
        batchTargets = allocate(batches ? capacity * network.outputs : 1)
        let layers = network.layers, capacity = capacity
        func per(_ holds: (DenseLayer) -> Bool, _ count: (DenseLayer) -> Int) -> [UnsafeMutablePointer<T>?] {
            layers.map { holds($0) ? allocate(count($0)) : nil }
        }
        let dropout = { (l: DenseLayer) in backward && l.dropout > 0 }, norm = { (l: DenseLayer) in backward && l.batchNorm }
        activated = per(dropout) { capacity * $0.units }
        mask = per(dropout) { capacity * $0.units }
        batchMean = per(norm, \.units)
        batchVariance = per(norm, \.units)
        inverseStd = per(norm, \.units)
        normalized = per(\.batchNorm) { capacity * $0.units }
    }


    deinit {
        for p in z + a + delta { p.deallocate() }
        for p in activated + mask + batchMean + batchVariance + inverseStd + normalized { p?.deallocate() }
        gradients.deallocate()
        batchInputs.deallocate()
        batchTargets.deallocate()
    }

    /// The rows an evaluation workspace (validation, test, prediction) holds at once, for
    /// `rows` rows to evaluate: up to 1,024, fewer for wide networks, so that its z, a and
    /// delta stay within `evaluationElements` numbers (128 MiB in float64) whatever the width.
    /// 0 when there is nothing to evaluate.
    public static func evaluationRows(for network: Network<T>, rows: Int) -> Int {
        guard rows > 0 else { return 0 }
        let perRow = 3 * network.layers.reduce(0) { $0 + $1.units } + network.inputs + network.outputs
            + network.layers.reduce(0) { $0 + ($1.batchNorm ? $1.units : 0) }
        return min(rows, 1024, max(1, evaluationElements / max(perRow, 1)))
    }

    /// The budget of `evaluationRows`, in numbers.
    public static var evaluationElements: Int { 1 << 24 }

    func matrix(_ p: UnsafeMutablePointer<T>, rows: Int, layer l: Int) -> Matrix<T> {
        Matrix(rows: rows, columns: units[l], elements: Array(UnsafeBufferPointer(start: p, count: rows * units[l])))
    }

    /// The gradients, copied out, in the layout of the parameter block.
    public var gradientArray: [T] { Array(UnsafeBufferPointer(start: gradients, count: parameterCount)) }
}
