/// Seeded initial parameters. The draws come from the initialisation stream of the run's
/// seed (see `Random.swift`), in the order of the parameter block: layer by layer, weights
/// row by row, then biases. They depend only on the seed and the architecture, so two runs
/// that differ in anything else (learning rate, batch size, loss) start from the same
/// weights. Values are drawn as Double and rounded to the training precision, so float32
/// and float64 runs start from the same point too.
public enum Initialization: Equatable, Sendable {
    /// Weights and biases uniform in [low, high). Seed 000 draws both from [0, 1).
    case uniform(low: Double, high: Double)
    /// Glorot & Bengio (2010), uniform: W ~ U(-r, r), r = sqrt(6 / (inputs + units)); b = 0.
    /// Suited to tanh and sigmoid.
    case xavier
    /// He et al. (2015), uniform: W ~ U(-r, r), r = sqrt(6 / inputs); b = 0. Suited to ReLU.
    case he

    // Both scaled schemes use the uniform form (as Keras's glorot_uniform and he_uniform),
    // not the normal one: it needs only a square root, which IEEE 754 rounds exactly,
    // so the numbers are the same on every platform.

    /// The flat parameter block for these layers.
    public func parameters(for layers: [DenseLayer], seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed, stream: .initialization)
        var out = [Double]()
        out.reserveCapacity(layers.reduce(0) { $0 + $1.parameterCount })
        for layer in layers {
            let weightCount = layer.inputs * layer.units
            switch self {
            case let .uniform(low, high):
                for _ in 0..<(weightCount + layer.units) { out.append(rng.nextDouble(in: low, high)) }
            case .xavier, .he:
                let fan = self == .xavier ? Double(layer.inputs + layer.units) : Double(layer.inputs)
                let r = (6 / fan).squareRoot()
                for _ in 0..<weightCount { out.append(rng.nextDouble(in: -r, r)) }
                out.append(contentsOf: repeatElement(0, count: layer.units))
            }
            // Batch normalisation's γ = 1 and β = 0, as PyTorch's: no draws, so adding it to a
            // layer leaves every W and b as they were.
            if layer.batchNorm {
                out.append(contentsOf: repeatElement(1, count: layer.units))
                out.append(contentsOf: repeatElement(0, count: layer.units))
            }
        }
        return out
    }
}
