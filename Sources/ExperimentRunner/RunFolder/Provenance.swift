import BackpropCore
import Foundation

/// results/<name>/provenance.json: where, with what and how each process that trained runs
/// of the sweep ran, one session per process:
///
///     {"sessions": [{"id": "host-4711-1764166000123", "backprop": "0.5.0", "commit": "3f2a…",
///       "swift": "6.3", "openblas": "OpenBLAS 0.3.21 …", "openblas_kernel": "Haswell",
///       "cpu": "Intel(R) Xeon(R) …", "cores": 2, "os": "Debian GNU/Linux 12 (bookworm), Linux 6.1",
///       "host": "node7", "command": ["backprop", "run", …], "precisions": ["float64"],
///       "float32_flushes_subnormals": true,
///       "started": "2026-11-26T15:40:01Z", "ended": "2026-11-26T15:41:12Z"}]}
///
/// `float32_flushes_subnormals`: whether this build's float32 arithmetic flushes subnormal
/// numbers to zero (`SubnormalFlushing`; true on x86-64 and AArch64); absent in sessions
/// written before it did.
///
/// Each run's status.json names the session that trained it (`"provenance": id`), and
/// `backprop verify` says when it checks a run on another machine or build.
public struct Provenance: Sendable, Equatable {
    public var id: String
    public var backprop: String
    /// The clone's HEAD when backprop runs from a build inside a git clone (read from
    /// .git, without running git); nil otherwise.
    public var commit: String?
    public var swift: String
    public var openblas: String
    public var openblasKernel: String
    public var cpu: String
    public var cores: Int
    public var os: String
    public var host: String
    public var command: [String]
    public var precisions: [String]
    /// nil in sessions written before float32 flushed subnormals.
    public var float32FlushesSubnormals: Bool? = SubnormalFlushing.isAvailable
    public var started: String
    public var ended: String?

    /// This process, now.
    public static func current(command: [String] = CommandLine.arguments, precisions: [String]) -> Provenance {
        let host = ProcessInfo.processInfo.hostName
        let now = Date()
        return Provenance(
            id: "\(host)-\(getpid())-\(Int(now.timeIntervalSince1970 * 1000))", backprop: BackpropVersion.string, commit: gitCommit(),
            swift: compilerVersion, openblas: BLAS.configuration, openblasKernel: BLAS.kernel, cpu: cpuModel(),
            cores: ProcessInfo.processInfo.activeProcessorCount, os: operatingSystem(), host: host, command: command,
            precisions: precisions, started: timestamp(now), ended: nil)
    }

    /// What makes two sessions' numbers comparable bit for bit: the build and the machine.
    public var machineAndBuild: [(String, String)] {
        [("host", host), ("cpu", cpu), ("OpenBLAS kernel", openblasKernel), ("OpenBLAS", openblas), ("backprop", backprop),
         ("commit", commit ?? "none"), ("swift", swift)]
    }

    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("backprop", .string(backprop)), ("commit", commit.map(JSONValue.string) ?? .null),
            ("swift", .string(swift)), ("openblas", .string(openblas)), ("openblas_kernel", .string(openblasKernel)),
            ("cpu", .string(cpu)), ("cores", .number(String(cores))), ("os", .string(os)), ("host", .string(host)),
            ("command", .array(command.map(JSONValue.string))), ("precisions", .array(precisions.map(JSONValue.string))),
        ] + (float32FlushesSubnormals.map { [("float32_flushes_subnormals", JSONValue.bool($0))] } ?? []) + [
            ("started", .string(started)), ("ended", ended.map(JSONValue.string) ?? .null),
        ])
    }

    public init?(_ v: JSONValue) {
        func string(_ k: String) -> String? { if case let .string(s)? = v[k] { s } else { nil } }
        func strings(_ k: String) -> [String] {
            if case let .array(items)? = v[k] { items.compactMap { if case let .string(s) = $0 { s } else { nil } } } else { [] }
        }
        guard let id = string("id"), let started = string("started") else { return nil }
        self.init(id: id, backprop: string("backprop") ?? "", commit: string("commit"), swift: string("swift") ?? "",
                  openblas: string("openblas") ?? "", openblasKernel: string("openblas_kernel") ?? "", cpu: string("cpu") ?? "",
                  cores: { if case let .number(n)? = v["cores"] { Int(n) ?? 0 } else { 0 } }(), os: string("os") ?? "",
                  host: string("host") ?? "", command: strings("command"), precisions: strings("precisions"), started: started,
                  ended: string("ended"))
        if case let .bool(b)? = v["float32_flushes_subnormals"] { float32FlushesSubnormals = b } else { float32FlushesSubnormals = nil }
    }

    public init(id: String, backprop: String, commit: String?, swift: String, openblas: String, openblasKernel: String, cpu: String,
                cores: Int, os: String, host: String, command: [String], precisions: [String], started: String, ended: String?) {
        self.id = id
        self.backprop = backprop
        self.commit = commit
        self.swift = swift
        self.openblas = openblas
        self.openblasKernel = openblasKernel
        self.cpu = cpu
        self.cores = cores
        self.os = os
        self.host = host
        self.command = command
        self.precisions = precisions
        self.started = started
        self.ended = ended
    }

    /// Every session in a provenance.json; empty when there is none or it does not read.
    public static func sessions(in file: String) -> [Provenance] {
        guard let bytes = try? readFile(file), let v = try? JSONParser.parse(bytes), case let .array(items)? = v["sessions"] else { return [] }
        return items.compactMap(Provenance.init)
    }

    /// Adds or replaces (by id) this session in `file`, under the sweep's lock.
    public func record(in file: String, lock: String) throws(ResultsError) {
        let held = try FileLock.acquire(lock, wait: true)
        defer { _ = held }
        var all = Self.sessions(in: file).filter { $0.id != id }
        all.append(self)
        try ResultsDirectory.writeAtomically(JSONValue.object([("sessions", .array(all.map(\.json)))]).serialized() + "\n", to: file)
    }

    static var compilerVersion: String {
        #if compiler(>=6.4)
        "6.4 or later"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static func cpuModel() -> String {
        guard let text = try? readText("/proc/cpuinfo") else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        }
        return "unknown"
    }

    static func operatingSystem() -> String {
        var name = "unknown"
        if let text = try? readText("/etc/os-release") {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                name = String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(name), Linux \(release)"
    }

    /// HEAD of the git clone the executable was built in (…/<clone>/.build/…/backprop).
    static func gitCommit() -> String? {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let git = dir.appendingPathComponent(".git").path
            if let head = try? readText(git + "/HEAD").trimmingCharacters(in: .whitespacesAndNewlines) {
                guard head.hasPrefix("ref: ") else { return head }
                let ref = String(head.dropFirst(5))
                if let hash = try? readText(git + "/" + ref) { return hash.trimmingCharacters(in: .whitespacesAndNewlines) }
                if let packed = try? readText(git + "/packed-refs") {
                    for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) { return String(line.prefix { $0 != " " }) }
                }
                return nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
