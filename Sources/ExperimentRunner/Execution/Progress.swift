import Foundation
import Synchronization

/// What a sweep tells the user as runs finish. On a terminal, one live line; otherwise one
/// plain line per finished run; quiet, nothing but errors.
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
        var best: (loss: Double, id: String)?
    }
    /// Also serialises the writes, so that lines from different threads never interleave.
    private let state: Mutex<State>
    let clock = Stopwatch()
    private let write: @Sendable (String) -> Void

    public init(style: Style, total: Int, write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.style = style
        self.state = Mutex(State(total: total))
        self.write = write
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
        state.withLock { _ in FileHandle.standardError.write(Data("backprop: warning: \(message)\n".utf8)) }
    }

    public func finished(_ result: RunResult) {
        state.withLock { s in
            s.done += 1
            let done = s.done, total = s.total
            if result.status == .completed, let l = result.finalRankingLoss,
               s.best.map({ result.run.objective.isBetter(l, than: $0.loss) }) ?? !l.isNaN { s.best = (l, result.run.id) }
            let elapsed = clock.seconds.rounded(.down)
            switch style {
            case .quiet: return
            case .lines:
                var line = "[\(done)/\(total)] \(result.run.id) \(result.status.rawValue)"
                if let f = result.final {
                    line += " epochs=\(f.epoch) train_loss=\(Summary.format(f.trainLoss))"
                    if let v = f.validationLoss { line += " val_loss=\(Summary.format(v))" }
                    if let a = f.validationAccuracy ?? f.trainAccuracy { line += String(format: " accuracy=%.1f%%", a * 100) }
                }
                if let m = result.message { line += " (\(m))" }
                write(line + String(format: " %.2fs\n", result.seconds))
            case .live:
                let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
                var line = "\r\u{1B}[K[\(done)/\(total)]"
                if let best = s.best { line += " best \(Summary.format(best.loss)) (\(best.id))" }
                line += " elapsed \(Self.clock(elapsed)) ETA \(Self.clock(eta))"
                write(line + (done == total ? "\n" : ""))
            }
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
