/// How far a sweep is, counted once for the sweep's page, the page across sweeps and
/// `backprop serve`'s API.
public struct SweepProgress: Sendable, Equatable {
    /// Every run the sweep will train: a TPE search's trials not proposed yet included.
    public var total: Int
    /// Runs that ended with a result: trained to the end, stopped by the scheduler at a rung,
    /// or diverged.
    public var completed: Int
    /// Runs that threw (their status file says why).
    public var failed: Int

    public init(plan: SweepPlan, results: [RunResult]) {
        total = plan.plannedRunCount
        completed = results.filter { [.completed, .stopped, .diverged].contains($0.status) }.count
        failed = results.filter { $0.status == .failed }.count
    }

    /// "12 of 40 runs complete", with the failed ones when there are.
    public var text: String {
        "\(completed) of \(total) runs complete" + (failed > 0 ? ", \(failed) failed" : "")
    }
}

extension SweepPlan {
    /// The runs the sweep trains in all: the plan's, and for a TPE search as many again per
    /// trial not proposed yet (each trial is the same number of runs: its grid combinations
    /// times the seeds).
    public var plannedRunCount: Int {
        guard isAdaptive, let trials = search?.trials, case let proposed = proposedTrialCount, proposed > 0, proposed < trials
        else { return runs.count }
        let (total, overflow) = (runs.count / proposed).multipliedReportingOverflow(by: trials)
        return overflow ? runs.count : total
    }
}
