import CSystemCalls
import Foundation
import Synchronization

/// The one place that runs gnuplot. Plots are rendered by a few long-lived gnuplot processes
/// (`GnuplotSession`, one per plot rendered at once), each `load`ing script after script: a
/// process started per plot costs three times the rendering itself (measured: about 66 ms
/// against 22 ms for a PNG and an SVG). A program named by $BACKPROP_GNUPLOT that does not
/// answer as gnuplot does is run once per plot instead, its script on its standard input.
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

    /// Renders the script at `file` (a .gp written beside the CSVs it reads), in its folder;
    /// throws with gnuplot's own message when it fails.
    public func render(file: String) throws(Failure) {
        let slash = file.lastIndex(of: "/")
        var directory = slash.map { String(file[..<$0]) } ?? "."
        let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
        // A session's gnuplot has moved to the previous plot's folder: only an absolute path
        // names the same folder for it as for us.
        if !directory.hasPrefix("/") { directory = FileManager.default.currentDirectoryPath + "/" + directory }
        let text = try? readFile(file)
        // Settings that `reset session` keeps (a terminal's options, linetypes, the encoding...)
        // would pass from one script to the next: a session only ever loads scripts that set
        // them the same way.
        if let session = GnuplotSession.take(executable, persisting: text.map(GnuplotSession.persistentSettings) ?? []) {
            // gnuplot's svg terminal carries state from a multiplot into the next graph that
            // `reset session` does not clear (the first group's stroke), so the session of a
            // script with one ends after it: every plot is drawn as by a gnuplot of its own.
            let reusable = !(text?.contains("set multiplot".utf8) ?? true)
            switch session.load(name, in: directory) {
            case .rendered:
                if reusable { GnuplotSession.give(session) }
                return
            case let .failed(message):
                if reusable { GnuplotSession.give(session) }
                throw .failed(message)
            case .ended:
                break  // the process is gone: this plot is rendered the old way
            }
        }
        let script: [UInt8]
        do { script = try readFile(file) } catch { throw .failed("cannot read \(file): \(error)") }
        try renderOnce(script: script, in: directory)
    }

    /// One process for one script, given on its standard input after a `cd` to its folder
    /// (the scripts name their files relative to it); its exit status decides.
    func renderOnce(script: [UInt8], in directory: String) throws(Failure) {
        guard let input = tmpfile(), let errors = tmpfile() else { throw .failed("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        defer { fclose(input); fclose(errors) }
        let script = Array("cd \(GnuplotScript.fileName(directory))\n".utf8) + script
        guard fwrite(script, 1, script.count, input) == script.count, fflush(input) == 0 else {
            throw .failed("cannot write the script to a temporary file: \(String(cString: strerror(errno)))")
        }
        rewind(input)
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }
        var pid: pid_t = 0
        let started = backprop_spawn(executable, fileno(input), null, fileno(errors), &pid)
        guard started == 0 else { throw .failed("cannot start \(executable) in \(directory): \(String(cString: strerror(started)))") }
        let status = GnuplotSession.wait(pid)
        guard status != 0 else { return }
        rewind(errors)
        var message = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, errors)
            message += buffer[..<n]
            if n < buffer.count { break }
        }
        throw .failed(GnuplotSession.lastLines(message) ?? "exit status \(status)")
    }
}

/// A gnuplot process kept running, reading commands from a socket and printing to another:
/// each plot is `reset session`, `cd` to its folder, `load` of its script, then a line
/// that says it is done and what `GPVAL_ERRNO` holds. An error inside a loaded script stops
/// that script only, as it stops gnuplot run on a file.
final class GnuplotSession: @unchecked Sendable {
    let pid: pid_t
    /// Our end of the socket that is gnuplot's standard input (a socket: `send` with
    /// MSG_NOSIGNAL never raises SIGPIPE when gnuplot has died).
    let input: Int32
    /// Our end of the socket that is gnuplot's standard error, where its messages and `print` go.
    let output: Int32
    private var pending = [UInt8]()

    private init(pid: pid_t, input: Int32, output: Int32) {
        self.pid = pid
        self.input = input
        self.output = output
    }

    deinit {
        close(input)  // gnuplot reads the end of its input and exits
        close(output)
        _ = Self.wait(pid)
    }

    enum Outcome { case rendered, failed(String), ended }

    static let marker = "__backprop_done__"
    /// Idle sessions by executable and persistent settings (`Key`); executables found not to
    /// answer as gnuplot does.
    private static let pool = Mutex((idle: [Key: [GnuplotSession]](), notGnuplot: Set<String>()))

    struct Key: Hashable {
        let executable: String
        let settings: [String]
    }

    /// The commands of a script that set what `reset session` leaves alone (gnuplot's `reset`:
    /// "does not affect terminal, output, loadpath, linetype, fit, encoding, decimalsign,
    /// locale, psdir, overflow"), as written, in order; `set output` aside (every script sets
    /// its own). A command counts as gnuplot reads it: the word after `set` abbreviates the
    /// setting's name down to its shortest accepted form (`set t` is `set terminal`).
    static func persistentSettings(_ script: [UInt8]) -> [String] {
        let names: [(shortest: String, name: String)] = [
            ("t", "terminal"), ("termo", "termoption"), ("linet", "linetype"), ("enc", "encoding"),
            ("decimal", "decimalsign"), ("loc", "locale"), ("loa", "loadpath"), ("psdir", "psdir"),
            ("fit", "fit"), ("overflow", "overflow"),
        ]
        var found = [String]()
        for line in String(decoding: script, as: UTF8.self).split(whereSeparator: \.isNewline) {
            for command in line.split(separator: ";") {
                let words = command.split(whereSeparator: \.isWhitespace)
                guard words.count >= 2, words[0] == "set" else { continue }
                let word = words[1]
                if names.contains(where: { word.count >= $0.shortest.count && $0.name.hasPrefix(word) }) {
                    found.append(words.joined(separator: " "))
                }
            }
        }
        return found
    }
    /// How long a new process may take to answer before it is taken for something else.
    static let handshakeMilliseconds: Int32 = 3000

    /// An idle session that has only loaded scripts with these persistent settings, or a new
    /// one; nil when `executable` does not work as a session.
    static func take(_ executable: String, persisting settings: [String]) -> GnuplotSession? {
        enum Found { case idle(GnuplotSession), none, notGnuplot }
        let key = Key(executable: executable, settings: settings)
        let found: Found = pool.withLock { p in
            if p.notGnuplot.contains(executable) { return .notGnuplot }
            return p.idle[key]?.popLast().map(Found.idle) ?? .none
        }
        switch found {
        case let .idle(session): return session
        case .notGnuplot: return nil
        case .none:
            if let session = start(key) { return session }
            pool.withLock { _ = $0.notGnuplot.insert(executable) }
            return nil
        }
    }

    static func give(_ session: GnuplotSession) {
        pool.withLock { $0.idle[session.key, default: []].append(session) }
    }

    private var key = Key(executable: "", settings: [])

    /// Starts `key.executable` and checks that it answers a `print` within the handshake time.
    private static func start(_ key: Key) -> GnuplotSession? {
        let executable = key.executable
        var sockets: [Int32] = [0, 0], pipes: [Int32] = [0, 0]
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &sockets) == 0 else { return nil }
        guard socketpair(AF_UNIX, kind, 0, &pipes) == 0 else {
            close(sockets[0]); close(sockets[1])
            return nil
        }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        var pid: pid_t = 0
        let rc = backprop_spawn(executable, sockets[1], null, pipes[1], &pid)
        close(sockets[1]); close(pipes[1]); close(null)
        guard rc == 0 else {
            close(sockets[0]); close(pipes[0])
            return nil
        }
        let session = GnuplotSession(pid: pid, input: sockets[0], output: pipes[0])
        session.key = key
        guard session.send("print \"\(marker) 0\"\n"), case .rendered? = session.awaitMarker(timeout: handshakeMilliseconds) else {
            kill(pid, SIGKILL)
            return nil
        }
        return session
    }

    func load(_ name: String, in directory: String) -> Outcome {
        let quoted = GnuplotScript.fileName
        let commands = "reset session\nreset errors\ncd \(quoted(directory))\nload \(quoted(name))\n"
            + "print sprintf(\"\(Self.marker) %d %s\", GPVAL_ERRNO, GPVAL_ERRMSG)\n"
        guard send(commands) else { return .ended }
        return awaitMarker(timeout: -1) ?? .ended
    }

    private func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(input, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            sent += n
        }
        return true
    }

    /// Reads until the marker line: rendered, or failed with gnuplot's message and the lines
    /// before it; nil at the end of the output (the process ended) or after `timeout` ms.
    private func awaitMarker(timeout: Int32) -> Outcome? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let marker = Array(Self.marker.utf8)
        while true {
            if let lineEnd = pending.lastIndex(of: 10), let start = Self.find(marker, in: pending[..<lineEnd]) {
                let before = Array(pending[..<start])
                let line = String(decoding: pending[(start + marker.count)..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                pending.removeSubrange(..<(lineEnd + 1))
                let code = Int(line.prefix { $0 != " " }) ?? 1
                guard code != 0 else { return .rendered }
                let message = String(line.drop { $0 != " " }.dropFirst())
                return .failed([Self.lastLines(before), message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: " / "))
            }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let n = read(output, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            pending += buffer[..<n]
        }
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// gnuplot echoes the failing command, which can be long: its last three lines, each cut.
    static func lastLines(_ bytes: [UInt8]) -> String? {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "^" }.suffix(3).map { $0.count > 160 ? $0.prefix(157) + "..." : $0 }
        return lines.isEmpty ? nil : lines.joined(separator: " / ")
    }

    /// The exit status of `pid`, once it has ended.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import (they are macros).
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
