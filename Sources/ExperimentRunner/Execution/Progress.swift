import CSystemCalls
import Foundation
import Synchronization

/// What a sweep tells the user as runs finish. On a terminal, one live line, redrawn as runs
/// finish and, during long runs, as their epochs go by (`running`, a few times a second);
/// otherwise one plain line per finished run; quiet, nothing but errors.
///
///     [3/16] elapsed 00:12, ETA 00:30 · best val_loss 0.0461 (lr=0.1,seed=1) · lr=0.2,seed=2 420/1000 · lr=0.4,seed=1 380/1000
public final class Progress: Sendable {
    public enum Style: Sendable { case live, lines, quiet }

    let style: Style
    /// Runs to report on; set before the first one finishes.
    public var total: Int {
        get { state.withLock { $0.total } }
        set { state.withLock { $0.total = newValue } }
    }
    private struct State {
        var total: Int
        var done = 0
        var best: (loss: Double, metric: String, id: String)?
        /// The runs in flight that said how far they are: plan index -> (id, epoch, epochs).
        var running = [Int: (id: String, epoch: Int, epochs: Int)]()
        /// When the live line was last drawn, in `clock` seconds.
        var drawn = -Double.infinity
    }
    /// Also serialises the writes, so that lines from different threads never interleave.
    private let state: Mutex<State>
    let clock = Stopwatch()
    private let write: @Sendable (String) -> Void

    /// The live line's width (a longer one would wrap, and `\r` would no longer rewrite it).
    let columns: Int

    public init(style: Style, total: Int, columns: Int? = nil, warnings: Bool = true,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.style = style
        self.warnings = warnings
        self.state = Mutex(State(total: total))
        self.write = write
        let terminal = Int(backprop_terminal_columns(STDOUT_FILENO))
        self.columns = columns ?? (terminal > 0 ? terminal : 120)
    }

    /// Says nothing at all, warnings included: for the report refreshed during a sweep, whose
    /// warnings the last report repeats.
    public static let silent = Progress(style: .quiet, total: 0, columns: 80, warnings: false) { _ in }
    private let warnings: Bool

    /// Whether `running` shows anything (a run need not report its epochs otherwise).
    public var showsRunning: Bool { style == .live }

    /// A run in flight has done `epoch` of its epochs. The live line is redrawn at most four
    /// times a second; a run calls this a few times a second at most (`SweepRun`).
    public func running(_ run: PlannedRun, epoch: Int) {
        guard style == .live else { return }
        state.withLock { s in
            s.running[run.index] = (run.id, epoch, run.spec.training.epochs)
            let now = clock.seconds
            guard now - s.drawn >= 0.25 else { return }
            s.drawn = now
            write(liveLine(s, elapsed: now))
        }
    }

    /// .live when stdout is a terminal, else .lines.
    public static func automaticStyle(quiet: Bool) -> Style {
        quiet ? .quiet : (isatty(STDOUT_FILENO) != 0 ? .live : .lines)
    }

    public func note(_ line: String) {
        guard style != .quiet else { return }
        state.withLock { _ in write((style == .live ? "\r\u{1B}[K" : "") + line + "\n") }
    }

    /// A warning goes to stderr whatever the style.
    public func warn(_ message: String) {
        guard warnings else { return }
        state.withLock { _ in FileHandle.standardError.write(Data("backprop: warning: \(message)\n".utf8)) }
    }

    public func finished(_ result: RunResult) {
        state.withLock { s in
            s.done += 1
            s.running[result.run.index] = nil
            if result.status == .completed, let l = result.finalRankingLoss,
               s.best.map({ result.run.objective.isBetter(l, than: $0.loss) }) ?? !l.isNaN {
                s.best = (l, result.run.objective.name(hasValidation: result.hasValidation), result.run.id)
            }
            switch style {
            case .quiet: return
            case .lines:
                var line = "[\(s.done)/\(s.total)] \(result.run.id) \(result.status.rawValue)"
                if let f = result.final {
                    line += " epochs=\(f.epoch) train_loss=\(Summary.format(f.trainLoss))"
                    if let v = f.validationLoss { line += " val_loss=\(Summary.format(v))" }
                    if let a = f.validationAccuracy ?? f.trainAccuracy { line += String(format: " accuracy=%.1f%%", a * 100) }
                }
                if let m = result.message { line += " (\(m))" }
                write(line + String(format: " %.2fs\n", result.seconds))
            case .live:
                let now = clock.seconds
                s.drawn = now
                write(liveLine(s, elapsed: now) + (s.done == s.total ? "\n" : ""))
            }
        }
    }

    /// `[done/total] elapsed, ETA · best <metric> <value> (<run>) · <run> <epoch>/<epochs> …`, cut
    /// to the terminal's width (the runs in flight go first when it is narrow). The ETA counts
    /// the runs in flight by their epochs done.
    private func liveLine(_ s: State, elapsed: Double) -> String {
        var line = "[\(s.done)/\(s.total)] elapsed \(Self.clock(elapsed.rounded(.down)))"
        var doneRuns = Double(s.done)
        for r in s.running.values { doneRuns += Double(r.epoch) / Double(max(r.epochs, 1)) }
        if doneRuns > 0 && s.done < s.total { line += ", ETA " + Self.clock(elapsed / doneRuns * max(Double(s.total) - doneRuns, 0)) }
        if let best = s.best { line += " · best \(best.metric) \(Summary.format(best.loss)) (\(best.id))" }
        for (_, r) in s.running.sorted(by: { $0.key < $1.key }) { line += " · \(r.id) \(r.epoch)/\(r.epochs)" }
        if line.count > columns - 1 { line = String(line.prefix(max(columns - 2, 10))) + "…" }
        return "\r\u{1B}[K" + line
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
