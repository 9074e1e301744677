/// One update of the parameters: what every epoch of `Trainer.train` repeats per batch, and
/// what `backprop trace` shows. Its one other form is the fused step of tiny networks
/// (`TinyNetwork.step`: the same operations over raw pointers), tested bit for bit against it.
extension Network {
    /// The step on the batch whose forward pass is in `workspace`:
    ///
    ///     g = dL/dθ                       (backpropagation, `backward`)
    ///     g_W += λ/n · W                  (weight decay, weights only: `addWeightDecay`, or
    ///                                      folded into the update: `FoldedDecay`)
    ///     g_W += λ₁ · sign(W)             (the L1 penalty: `addL1`)
    ///     g *= min(c/(‖g‖ + 1e-6), 1)     (gradient-norm clipping: `clipGradientNorm`)
    ///     θ <- optimizer(θ, g, lr)        (`AnyOptimizer.step`)
    ///
    /// x: (rows, inputs), target: (rows, outputs) -> parameters updated in place;
    /// workspace.gradients holds g as the optimizer received it (weight decay included).
    ///
    /// With `foldsDecay` (and no tracker, which observes the decayed gradients), the decay
    /// term is formed inside the optimizer's pass instead (`FoldedDecay`): the same update, one
    /// pass less over memory, and workspace.gradients holds the data gradient only.
    /// The decay folds only without L1 and clipping, which need the whole gradient first (so
    /// the sum is formed in one order whatever the path).
    /// Returns the gradient's norm and the clipping coefficient, when it clips.
    @inline(__always) @discardableResult
    mutating func trainingStep(_ x: UnsafePointer<T>, target: UnsafePointer<T>, rows: Int, loss: Loss, weightDecay: T,
                               optimizer: AnyOptimizer<T>, learningRate: Double, workspace: Workspace<T>,
                               tracker: DiagnosticsTracker<T>? = nil, foldsDecay: Bool = false,
                               l1: T = 0, clipNorm: T? = nil) -> (norm: T, coefficient: T)? {
        backward(x, target: target, rows: rows, loss: loss, workspace: workspace)
        var folded: FoldedDecay<T>? = nil
        if weightDecay != 0 {
            if foldsDecay && tracker == nil && l1 == 0 && clipNorm == nil {
                folded = FoldedDecay(lambda: weightDecay, rows: rows, layers: layers)
            } else {
                addWeightDecay(weightDecay, rows: rows, to: workspace.gradients)
            }
        }
        if l1 != 0 { addL1(l1, to: workspace.gradients) }
        let clipped = clipNorm.map { clipGradientNorm($0, gradients: workspace.gradients) }
        tracker?.observeGradients(workspace.gradients)
        let count = parameters.count
        parameters.withUnsafeMutableBufferPointer { p in
            optimizer.step(parameters: p.baseAddress!, gradients: workspace.gradients, count: count, learningRate: learningRate,
                           decay: folded)
        }
        return clipped
    }
}
