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

    /// Whether every trial the search asks for is proposed.
    public var isFullyProposed: Bool { !isAdaptive || proposedTrials.count >= (search?.trials ?? 0) }

    /// Each proposed trial's objectives, each lower better (a maximised one negated): with one
    /// objective, the best of the trial's configurations (one per grid combination), each the
    /// mean over its seeds; with several (no grid then), the mean of each over its seeds. NaN
    /// where a run diverged or failed, or a run is not in `results` yet.
    public func trialObjectives(_ results: [RunResult]) -> [[Double]] {
        let trials = proposedTrials.count
        guard trials > 0 else { return [] }
        let combinations = configurationCount / trials
        let byConfiguration = Dictionary(grouping: results, by: \.run.configurationIndex)
        let runsPerConfiguration = Dictionary(grouping: runs, by: \.configurationIndex).mapValues(\.count)
        /// The configuration's mean of each objective, lower better; nil unless every seed finished.
        func means(_ c: Int) -> [Double]? {
            let done = byConfiguration[c] ?? []
            guard done.count == runsPerConfiguration[c], !done.isEmpty,
                  done.allSatisfy({ $0.status == .completed || $0.status == .stopped }) else { return nil }
            return objectives.map { o in
                let values = done.compactMap { o.value(of: $0) }
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

    /// The plan with the next batch of trials proposed from `results` (every run of the plan
    /// must be among them, complete); nil when the search has all its trials, or a run of the
    /// plan has no result yet.
    public func nextBatch(results: [RunResult]) throws(SpecError) -> SweepPlan? {
        guard isAdaptive, let search, !isFullyProposed else { return nil }
        let done = Set(results.filter { $0.status != .failed && $0.status != .interrupted && $0.status != .busy && $0.status != .paused }.map(\.run.index))
        guard runs.allSatisfy({ done.contains($0.index) }) else { return nil }
        let proposed = proposedTrials
        let finished = zip(proposed, trialObjectives(results)).map { values, losses in
            TPESampler.Observation(point: zip(search.dimensions, values).map { $0.distribution.internal(of: $1) }, losses: losses)
        }
        let next = search.tpe.propose(first: proposed.count, count: min(search.batch, search.trials - proposed.count), finished: finished)
        return try SweepPlan(json: specJSON, file: file, proposed: proposed + next.map(search.external), reusing: self)
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
