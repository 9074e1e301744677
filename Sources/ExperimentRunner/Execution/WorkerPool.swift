import Foundation

/// How backprop runs work in parallel: a fixed number of threads take jobs from one queue,
/// first in first out, until the queue is empty and no job is running. A job may queue more
/// jobs, or drop the queued ones (`add`, `removeQueued`). `run` returns when all are done.
///
/// Training is CPU-bound and blocks its thread for its whole length: on threads of their
/// own, runs never starve Swift's cooperative pool, and a fixed number of them bounds what
/// runs at once (`--jobs`) without a thread per run. The queue's lock and condition are the
/// pool's own; everything else that threads share is in a `Mutex` or an `Atomic`
/// (Synchronization), the one other concurrency tool backprop uses (README, "Development").
public final class WorkerPool<Job: Sendable>: @unchecked Sendable {
    // Guarded by `condition` (its lock): every access below is inside lock()/unlock().
    private let condition = NSCondition()
    private var queue: [Job]
    private var head = 0
    private var running = 0

    private init(_ jobs: [Job]) { queue = jobs }

    /// Runs `body` on every job (and every job added meanwhile) on `workers` threads; returns
    /// when the last one is done.
    public static func run(_ jobs: [Job], workers: Int, _ body: @escaping @Sendable (Job, WorkerPool<Job>) -> Void) {
        let pool = WorkerPool(jobs)
        let count = max(1, min(workers, jobs.count))
        let finished = Finished()
        for _ in 0..<count {
            let thread = Thread {
                while let job = pool.next() {
                    body(job, pool)
                    pool.done()
                }
                finished.signal()
            }
            // As much stack as the main thread has: deep networks recurse nowhere, but
            // generic numerics and error paths can use more than Thread's 512 KiB default.
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait(for: count)
    }

    /// Queues `job` behind the others.
    public func add(_ job: Job) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Drops the queued (not yet started) jobs that match.
    public func removeQueued(where matches: (Job) -> Bool) {
        condition.lock()
        queue = Array(queue[head...].filter { !matches($0) })
        head = 0
        condition.unlock()
    }

    /// The next job, waiting while the queue is empty but a running job may still add one;
    /// nil when everything is done.
    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count {
            if running == 0 {
                condition.broadcast()
                return nil
            }
            condition.wait()
        }
        let job = queue[head]
        head += 1
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        running += 1
        return job
    }

    private func done() {
        condition.lock()
        running -= 1
        // A waiting worker may now take an added job, or learn that everything is done.
        condition.broadcast()
        condition.unlock()
    }
}

/// Counts workers that have finished, for `run` to wait on.
private final class Finished: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var count = 0

    func signal() {
        condition.lock()
        count += 1
        condition.signal()
        condition.unlock()
    }

    func wait(for workers: Int) {
        condition.lock()
        while count < workers { condition.wait() }
        condition.unlock()
    }
}
