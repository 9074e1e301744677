import Foundation
import Testing
import TestSupport

/// A place to try hostile files in (issue 27): every injected command in the corpus would
/// `touch` a file in `canaries`, and `outside` holds files no command may change or add to.
/// `check` asserts both after a command, and that it ended with an allowed exit code, by
/// itself (no signal: a trap ends a process with SIGILL or SIGTRAP), with one-line errors.
struct Sandbox {
    let root = temporaryDirectory()
    var canaries: String { root + "/canaries" }
    var outside: String { root + "/outside" }
    var victim: String { outside + "/victim.txt" }
    static let precious = "precious\n"

    init() {
        try! FileManager.default.createDirectory(atPath: root + "/canaries", withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(atPath: root + "/outside", withIntermediateDirectories: true)
        try! Self.precious.write(toFile: root + "/outside/victim.txt", atomically: false, encoding: .utf8)
    }

    /// A shell command that leaves the canary `name`: the payload the corpus hides. It finds the
    /// folder through $BACKPROP_CANARIES (set for every command `run` starts), so that it holds
    /// no '/' and fits in a file name too.
    func touch(_ name: String) -> String { "cd $BACKPROP_CANARIES&&touch \(name)" }

    /// `backprop ARGS` with the canaries' folder in its environment (and gnuplot's, and any shell's).
    func run(_ arguments: [String], directory: String = packageRoot, environment: [String: String] = [:]) throws -> CLI.Output {
        try CLI.run(arguments, directory: directory, environment: environment.merging(["BACKPROP_CANARIES": canaries]) { $1 })
    }

    /// Any program (bash, python3), likewise.
    func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Output {
        try CLI.shell(arguments, environment: environment.merging(["BACKPROP_CANARIES": canaries]) { $1 })
    }

    /// The file names in `canaries`, and every file under `outside` with its bytes.
    var canariesFound: [String] { (try? FileManager.default.contentsOfDirectory(atPath: canaries)) ?? [] }
    var outsideNow: [String: [UInt8]] {
        var files = [String: [UInt8]]()
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: outside)) ?? [] {
            files[path] = (try? Data(contentsOf: URL(fileURLWithPath: outside + "/" + path))).map(Array.init) ?? []
        }
        return files
    }

    /// After a command: no canary, nothing outside changed, an allowed exit, no signal, and an
    /// error (exit 2) on one line.
    func check(_ out: CLI.Output, _ what: String, allowed: Set<Int32> = [0, 2], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(canariesFound.isEmpty, "\(what): a command ran: \(canariesFound)", sourceLocation: sourceLocation)
        #expect(outsideNow == ["victim.txt": Array(Self.precious.utf8)], "\(what): a file outside the results changed: \(outsideNow.keys.sorted())", sourceLocation: sourceLocation)
        #expect(!out.signalled && allowed.contains(out.status), "\(what): exit \(out.status)\(out.signalled ? " (signal)" : ""): \(out.stderr)", sourceLocation: sourceLocation)
        if out.status == 2 {
            let lines = out.stderr.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.hasPrefix("backprop: warning:") }
            #expect(lines.count == 1, "\(what): not one line: \(out.stderr)", sourceLocation: sourceLocation)
        }
    }
}
