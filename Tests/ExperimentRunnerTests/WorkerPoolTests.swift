import ExperimentRunner
import Foundation
import Synchronization
import Testing

@Suite struct WorkerPoolTests {
    /// Every job runs exactly once, the ones jobs add too, never more than `workers` at once.
    @Test func everyJobOnceAndNoMoreThanTheWorkersAtOnce() {
        struct Count { var ran = [Int: Int](), running = 0, most = 0 }
        let count = Mutex(Count())
        WorkerPool.run(Array(0..<100), workers: 3) { job, pool in
            count.withLock { c in c.running += 1; c.most = max(c.most, c.running) }
            // Job 0 waits (at most 5 s) for another job to start beside it: the workers do
            // run at once.
            let deadline = Date().addingTimeInterval(5)
            while job == 0 && count.withLock({ $0.most }) < 2 && Date() < deadline { usleep(100) }
            usleep(200)
            if job < 10 { pool.add(1000 + job) }
            count.withLock { c in c.running -= 1; c.ran[job, default: 0] += 1 }
        }
        let c = count.withLock { $0 }
        #expect(c.ran.keys.sorted() == Array(0..<100) + Array(1000..<1010))
        #expect(c.ran.values.allSatisfy { $0 == 1 })
        #expect(c.most <= 3 && c.most >= 2, "\(c.most) at once")
    }

    /// A job that drops the queue: with one worker, nothing after it runs, and a job added
    /// afterwards still does.
    @Test func removeQueuedDropsWhatHasNotStarted() {
        let ran = Mutex([Int]())
        WorkerPool.run(Array(0..<10), workers: 1) { job, pool in
            ran.withLock { $0.append(job) }
            if job == 2 {
                pool.removeQueued { $0 < 100 }
                pool.add(100)
            }
        }
        #expect(ran.withLock { $0 } == [0, 1, 2, 100])
    }

    @Test func noJobsReturnsAtOnce() {
        WorkerPool<Int>.run([], workers: 4) { _, _ in Issue.record("ran a job that does not exist") }
    }
}
