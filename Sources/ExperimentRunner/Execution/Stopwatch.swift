#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Wall time since creation, in seconds, from the monotonic clock. Cheap enough to read
/// every epoch (one vDSO call, no Duration arithmetic), which the seconds column of
/// metrics.csv does.
public struct Stopwatch: Sendable {
    private let start = Stopwatch.now()

    public init() {}

    public var seconds: Double { Stopwatch.now() - start }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
