/// Inverted dropout (Srivastava et al., 2014, in the form PyTorch's and Keras's layers
/// use): in training, each output of a layer is kept with probability 1 - p and scaled by
/// 1/(1 - p), otherwise zeroed; in evaluation the layer is the identity.
///
///     a' = a ⊙ mask,   mask = 1/(1 - p) where u >= p, 0 where u < p,   u ~ U[0, 1)
///     dL/da = dL/da' ⊙ mask
///
/// The u come from the run's dropout stream (`RandomStream.dropout`): one per output, for
/// each training step, layer by layer in order, row by row, unit by unit. It is a stream of
/// its own, so dropout never changes the shuffling or the initial weights, and a loop
/// resumed from a checkpoint draws on where it stopped.
public enum Dropout {
    /// Draws the masks of every dropout layer of `layers` for a batch of `rows` rows into
    /// the workspace.
    static func drawMasks<T: Scalar, G: RandomNumberGenerator>(_ layers: [DenseLayer], rows: Int, workspace: Workspace<T>, using rng: inout G) {
        for (l, layer) in layers.enumerated() where layer.dropout > 0 {
            let mask = workspace.mask[l]!, p = layer.dropout, keep = T(1 / (1 - p))
            for i in 0..<(rows * layer.units) { mask[i] = rng.nextUnitDouble() >= p ? keep : 0 }
        }
    }

    /// a' = a ⊙ mask over `count` numbers (also in place, for the backward pass).
    static func apply<T: Scalar>(_ mask: UnsafePointer<T>, to a: UnsafePointer<T>, into out: UnsafeMutablePointer<T>, count: Int) {
        for i in 0..<count { out[i] = a[i] * mask[i] }
    }
}
