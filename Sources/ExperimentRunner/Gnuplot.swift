import Foundation

/// The one place that starts gnuplot: a script is piped to `gnuplot` running in the
/// folder of the files it reads and writes.
public struct Gnuplot: Sendable {
    public let executable: String

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case failed(String)
        public var description: String {
            switch self {
            case .notInstalled: return "gnuplot is not installed (apt-get install gnuplot-nox); the CSVs and .gp scripts are written, run `backprop plot` once it is"
            case let .failed(message): return "gnuplot failed: \(message)"
            }
        }
    }

    /// gnuplot from $BACKPROP_GNUPLOT, else the first `gnuplot` on $PATH; nil when there is none.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> Gnuplot? {
        if let explicit = environment["BACKPROP_GNUPLOT"] {
            return FileManager.default.isExecutableFile(atPath: explicit) ? Gnuplot(executable: explicit) : nil
        }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/gnuplot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return Gnuplot(executable: candidate) }
        }
        return nil
    }

    /// Runs `script` with `directory` as the working folder; throws with gnuplot's own
    /// error output when it fails.
    public func render(script: String, in directory: String) throws(Failure) {
        // A gnuplot that exits before reading all its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { throw .failed("cannot start \(executable): \(error.localizedDescription)") }
        let errorData = ErrorCollector(errors.fileHandleForReading)
        try? input.fileHandleForWriting.write(contentsOf: Data(script.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let message = errorData.wait()
        if process.terminationStatus != 0 {
            // gnuplot echoes the failing command, which can be long: each line is cut.
            let lastLines = message.split(separator: "\n").suffix(3).map { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.count > 160 ? t.prefix(157) + "..." : t
            }.joined(separator: " / ")
            throw .failed(lastLines.isEmpty ? "exit status \(process.terminationStatus)" : lastLines)
        }
    }
}

/// Reads a pipe to its end on another thread, so that a chatty child never blocks on a full pipe.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }
    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
