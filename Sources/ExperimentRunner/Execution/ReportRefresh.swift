import Synchronization

/// The report of a long sweep, rewritten now and then while it runs, so that summary.md and
/// index.html show the runs complete so far: at most every `every` seconds, and only while
/// the time spent refreshing stays under `share` of the sweep's time (a refresh that costs
/// more than expected simply makes the next one wait longer). The last report, written when
/// the sweep ends, is the same whether or not refreshes happened.
public struct ReportRefresh: Sendable {
    public var every: Double
    public var share: Double

    public init(every: Double = 30, share: Double = 0.05) {
        self.every = every
        self.share = share
    }

    /// Whether a refresh is due at `now` (seconds into the sweep), the last one `last`
    /// seconds in (or none), `spent` seconds spent refreshing so far, the last refresh having
    /// taken `cost` seconds (the estimate of the next one).
    public func isDue(now: Double, last: Double?, spent: Double, cost: Double) -> Bool {
        now - (last ?? 0) >= every && spent + cost <= share * now
    }

    /// One sweep's refreshes: one at a time, on the thread of the run that made one due.
    final class Schedule: Sendable {
        let policy: ReportRefresh
        let clock = Stopwatch()
        private struct State {
            var last: Double?
            var spent = 0.0
            var cost = 0.0
            var running = false
            var count = 0
        }
        private let state = Mutex(State())

        init(_ policy: ReportRefresh) { self.policy = policy }

        /// How many refreshes ran.
        var count: Int { state.withLock { $0.count } }

        /// Runs `refresh` when one is due and none is running; never waits for one.
        func refreshIfDue(_ refresh: () -> Void) {
            let start = clock.seconds
            let go = state.withLock { s in
                guard !s.running, policy.isDue(now: start, last: s.last, spent: s.spent, cost: s.cost) else { return false }
                s.running = true
                return true
            }
            guard go else { return }
            refresh()
            let end = clock.seconds
            state.withLock { s in
                s.running = false
                s.last = end
                s.cost = end - start
                s.spent += end - start
                s.count += 1
            }
        }
    }
}
