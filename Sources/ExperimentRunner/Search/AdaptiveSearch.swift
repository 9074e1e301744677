/// A search whose trials come from the results of earlier ones (`sampler: tpe`): its plan
/// holds the trials proposed so far, and grows a batch at a time. Every batch is proposed from
/// the results of the batches before it and the seed alone, so a rerun after an interruption
/// proposes the same trials again from the runs on disk and goes on.
extension SweepPlan {
    /// Whether the trials are proposed from results (TPE) rather than drawn when the plan is made.
    public var isAdaptive: Bool { search?.sampler == .tpe }

    /// The trials proposed so far, each one value per searched field.
    public var proposedTrials: [[JSONValue]] {
        guard let count = searchAxes.first?.values.count else { return [] }
        return (0..<count).map { t in searchAxes.map { $0.values[t] } }
    }

    /// How many trials are proposed so far (without making them, as `proposedTrials` does).
    public var proposedTrialCount: Int { searchAxes.first?.values.count ?? 0 }

    /// Whether every trial the search asks for is proposed.
    public var isFullyProposed: Bool { !isAdaptive || proposedTrialCount >= (search?.trials ?? 0) }

    /// Each proposed trial's objectives, each lower better (a maximised one negated): with one
    /// objective, the best of the trial's configurations (one per grid combination), each the
    /// mean over its seeds; with several (no grid then), the mean of each over its seeds. NaN
    /// where a run diverged or failed, or a run is not in `results` yet.
    public func trialObjectives(_ results: [RunResult]) -> [[Double]] {
        let trials = proposedTrialCount
        guard trials > 0 else { return [] }
        let combinations = configurationCount / trials
        let byConfiguration = resultsByConfiguration(results)
        /// The configuration's mean of each objective, lower better; nil unless every seed finished.
        func means(_ c: Int) -> [Double]? {
            guard let done = byConfiguration[c], done.count == seedCount,
                  done.allSatisfy({ results[$0].status == .completed || results[$0].status == .stopped }) else { return nil }
            return objectives.map { o in
                let values = done.compactMap { o.value(of: results[$0]) }
                guard values.count == done.count else { return .nan }
                return o.loss(values.reduce(0, +) / Double(values.count))
            }
        }
        return (0..<trials).map { t in
            if isMultiObjective { return means(t) ?? objectives.map { _ in .nan } }
            var best = Double.nan
            for c in (t * combinations)..<((t + 1) * combinations) {
                if let loss = means(c)?[0], !loss.isNaN, best.isNaN || loss < best { best = loss }
            }
            return [best]
        }
    }

    /// The positions in `results` of each configuration's runs (positions, not copies: a
    /// search's results are many, and are read again for every batch).
    func resultsByConfiguration(_ results: [RunResult]) -> [Int: [Int]] {
        var out = [Int: [Int]]()
        for i in results.indices { out[results[i].run.configurationIndex, default: []].append(i) }
        return out
    }

    /// BOHB (a tpe search with a scheduler, after Falkner et al., 2018): the rung the next
    /// batch's estimator is fit on, the highest whose epoch at least `startup_trials` trials
    /// reached, with each of those trials' objective there (lower better; the best of its
    /// configurations, each the mean over its seeds at that epoch; NaN where a seed diverged).
    /// nil while no rung has enough: the batch is random. The rungs are those of a batch's
    /// brackets.
    public func modelRung(_ results: [RunResult]) -> (epoch: Int, observations: [(trial: Int, loss: Double)])? {
        guard let scheduler, let search, let epochs = runs.first?.spec.training.epochs else { return nil }
        let trials = proposedTrialCount
        guard trials > 0 else { return nil }
        let combinations = configurationCount / trials
        let byConfiguration = resultsByConfiguration(results)
        /// A configuration's mean at `epoch` as a loss; nil when a seed did not reach it.
        func value(_ c: Int, at epoch: Int) -> Double? {
            guard let done = byConfiguration[c], done.count == seedCount else { return nil }
            var total = 0.0
            for i in done {
                let r = results[i]
                if r.status == .diverged { return .nan }
                guard r.status == .completed || r.status == .stopped, epoch < r.rows.count,
                      let v = objective.value(r.rows[epoch].record) else { return nil }
                total += v
            }
            return objective.loss(total / Double(done.count))
        }
        let rungs = Set(scheduler.brackets(configurations: search.batch, epochs: epochs).flatMap(\.rungs)).sorted(by: >)
        for epoch in rungs {
            var observations = [(trial: Int, loss: Double)]()
            for t in 0..<trials {
                let values = ((t * combinations)..<((t + 1) * combinations)).compactMap { value($0, at: epoch) }
                guard !values.isEmpty else { continue }
                observations.append((t, values.filter { !$0.isNaN }.min() ?? .nan))
            }
            if observations.count >= search.startupTrials { return (epoch, observations) }
        }
        return nil
    }

    /// The plan with the next batch of trials proposed from `results` (every run of the plan
    /// must be among them, complete); nil when the search has all its trials, or a run of the
    /// plan has no result yet.
    public func nextBatch(results: [RunResult]) throws(SpecError) -> SweepPlan? {
        guard isAdaptive, let search, !isFullyProposed else { return nil }
        var done = Set<Int>()
        // By position: a for-in over the array copies each RunResult (44,700 copies in the
        // 600-trial search, callgrind).
        for i in results.indices where ![.failed, .interrupted, .busy, .paused].contains(results[i].status) { done.insert(results[i].run.index) }
        guard runs.allSatisfy({ done.contains($0.index) }) else { return nil }
        let proposed = proposedTrials
        func convert(_ values: [JSONValue]) -> [Double] { zip(search.dimensions, values).map { $0.distribution.internal(of: $1) } }
        // Each trial's values on the estimator's scale, kept as the plan grows (not parsed
        // again from the spec's numbers for every batch).
        let points = searchPoints.count == proposed.count ? searchPoints : proposed.map(convert)
        func point(_ t: Int) -> [Double] { points[t] }
        let finished: [FinishedTrial]
        if scheduler != nil {
            // BOHB: the trials that reached the model's rung, at it; none yet: random.
            finished = modelRung(results).map { rung in rung.observations.map { FinishedTrial(point: point($0.trial), loss: $0.loss) } } ?? []
        } else {
            finished = trialObjectives(results).enumerated().map { FinishedTrial(point: point($0), losses: $1) }
        }
        let next = search.tpe.propose(first: proposed.count, count: min(search.batch, search.trials - proposed.count), finished: finished)
            .map(search.external)
        var plan = try SweepPlan(json: specJSON, file: file, proposed: proposed + next, reusing: self)
        plan.searchPoints = points + next.map(convert)
        return plan
    }
}

extension SweepPlan {
    /// The plan with every batch proposed again that the runs complete in `directory` allow:
    /// the batches a search already ran (a rerun, `summarize`), each run folder read once.
    public func replayed(in directory: ResultsDirectory) throws(SpecError) -> SweepPlan {
        var plan = self
        var found = SweepFolder(plan: plan, directory: directory).completeOnDisk(data: nil)
        while let next = try plan.nextBatch(results: Array(found.values)) {
            let fresh = next.runs.filter { found[$0.index] == nil }
            found.merge(SweepFolder(plan: next, directory: directory).completeOnDisk(data: nil, only: fresh)) { $1 }
            plan = next
        }
        return plan
    }
}
