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
    ///
    /// The script goes in, and gnuplot's complaints come out, through anonymous temporary
    /// files (`tmpfile`, unlinked from the start) rather than pipes: gnuplot exiting early
    /// can never raise SIGPIPE here, and no thread is needed to drain a pipe.
    public func render(script: String, in directory: String) throws(Failure) {
        guard let input = tmpfile(), let errors = tmpfile() else { throw .failed("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        defer { fclose(input); fclose(errors) }
        let bytes = Array(script.utf8)
        guard fwrite(bytes, 1, bytes.count, input) == bytes.count, fflush(input) == 0 else {
            throw .failed("cannot write the script to a temporary file: \(String(cString: strerror(errno)))")
        }
        rewind(input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle(fileDescriptor: fileno(input), closeOnDealloc: false)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(fileDescriptor: fileno(errors), closeOnDealloc: false)
        do { try process.run() } catch { throw .failed("cannot start \(executable): \(error.localizedDescription)") }
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return }
        rewind(errors)
        var message = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, errors)
            message += buffer[..<n]
            if n < buffer.count { break }
        }
        // gnuplot echoes the failing command, which can be long: each line is cut.
        let lastLines = String(decoding: message, as: UTF8.self).split(separator: "\n").suffix(3).map { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.count > 160 ? t.prefix(157) + "..." : t
        }.joined(separator: " / ")
        throw .failed(lastLines.isEmpty ? "exit status \(process.terminationStatus)" : lastLines)
    }
}
