import ExperimentRunner
import Foundation

/// SIGINT and SIGTERM stop a sweep cleanly: no new run starts, runs in flight stop at their
/// next epoch, the summaries of what completed are written, and `run` exits 130. A second
/// signal exits at once. Signals are process-wide state, so the command line owns them.
enum Interruption {
    /// What the signal handler sets; `run` hands it to its sweep.
    static let cancellation = Cancellation()

    static func stopOnSignals() {
        // Both globals are initialised here, before any handler can run: a handler must
        // never be the first to touch one (Swift initialises globals lazily, under a lock).
        _ = stoppingMessage.count
        _ = cancellation.isInterrupted
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            // Only async-signal-safe work here: an atomic store, write(2) and _exit(2).
            action.__sigaction_handler.sa_handler = { _ in
                if Interruption.cancellation.isInterrupted { _exit(130) }
                Interruption.cancellation.interrupt()
                stoppingMessage.withUnsafeBufferPointer { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        // A parent may have started us with them blocked (the mask is inherited across exec);
        // the worker threads inherit the main thread's mask, so unblocking here covers them all.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

private let stoppingMessage = Array("backprop: stopping: no new runs start, runs in flight are abandoned (signal again to quit at once)\n".utf8)
