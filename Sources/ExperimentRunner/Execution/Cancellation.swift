import Synchronization

/// What stops a sweep: SIGINT or SIGTERM (`interrupt`), or `--fail-fast` at the first failed
/// run (`cancel`). Running runs see it at their next epoch and stop; no new run starts.
public final class Cancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let interrupted = Atomic<Bool>(false)

    public init() {}

    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public func interrupt() {
        interrupted.store(true, ordering: .relaxed)
        cancelled.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    /// Stopped by a signal (exit code 130).
    public var isInterrupted: Bool { interrupted.load(ordering: .relaxed) }
}
