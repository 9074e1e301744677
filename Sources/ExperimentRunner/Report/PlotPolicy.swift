/// Which plots gnuplot renders (`backprop run --plots`). Every `.gp` script is written
/// whatever the policy, so `backprop plot` can render the rest at any time.
public enum PlotPolicy: String, CaseIterable, Sendable {
    /// Every plot, each run's loss and diagnostics plots too.
    case all
    /// What index.html shows: the sweep's plots, the decision boundaries, and the gradient-norm
    /// gallery's runs; a run's own loss plot is left as its script. A process spawn per run
    /// costs more than a short run's training.
    case report
    /// No picture at all: the CSVs and scripts only.
    case none
}
