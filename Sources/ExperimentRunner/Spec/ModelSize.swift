import BackpropCore

/// A run's network size and the work of one of its epochs on its data: what `plan` prints and
/// what the `parameters` and `flops` objectives are.
extension LoadedData {
    /// Weights and biases of the run's network, and batch normalisation's γ and β (PyTorch's
    /// count: the running statistics are buffers, not parameters).
    public func parameters(of run: PlannedRun) -> Int {
        Network<Double>.parameterCount(inputs: features, architecture: run.spec.model.layers)
    }

    /// Multiply-adds ×2 of one epoch: forward and backward over the training rows (dW for
    /// every layer, dx for all but the first), plus the forward pass that measures the
    /// validation loss (the training metrics come from training's own forward passes).
    /// Batch normalisation adds its elementwise operations, one FLOP each: 6 per number
    /// forward in training (mean, variance, transform), 9 backward, 2 in evaluation; dropout
    /// 1 forward and 1 backward (the mask).
    public func flopsPerEpoch(of run: PlannedRun) -> Double {
        let n = Double(trainingCount), evaluated = Double(validationCount)
        var width = features, total = 0.0
        for (l, layer) in run.spec.model.layers.enumerated() {
            let product = 2 * Double(width * layer.units)
            total += product * (n * (l == 0 ? 2 : 3) + evaluated)
            let numbers = Double(layer.units)
            if layer.batchNorm { total += numbers * (15 * n + 2 * evaluated) }
            if layer.dropout > 0 { total += numbers * 2 * n }
            width = layer.units
        }
        return total
    }
}

extension RunResult {
    /// What a result records of the data it trained on: its fingerprint, the network's size
    /// and an epoch's FLOPs (nil data: none of them).
    mutating func record(_ data: LoadedData?) {
        dataFingerprint = data?.fingerprint
        parameters = data?.parameters(of: run)
        flopsPerEpoch = data?.flopsPerEpoch(of: run)
    }
}
