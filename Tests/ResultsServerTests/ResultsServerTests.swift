import ExperimentRunner
import Foundation
import ResultsServer
import Testing
import TestSupport

/// `backprop serve` over a real socket: requests written byte for byte (no client library
/// that would tidy a hostile path first), against a results folder a real sweep wrote.
@Suite(.serialized) struct ResultsServerTests {
    static let spec = #"""
        {"name": "live", "dataset": {"name": "moons", "samples": 60, "validation": 0.25},
         "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 5},
         "seeds": [1, 2], "grid": {"optimizer.learning_rate": [0.1, 0.5]}}
        """#

    /// A results folder holding the sweep "live" (4 runs), and a file beside the folder.
    func results() async throws -> (root: String, plan: SweepPlan, outside: String) {
        let base = temporaryDirectory(), root = base + "/results"
        let plan = try SweepPlan(json: try JSONParser.parse(Array(Self.spec.utf8)), file: "live.json")
        _ = try await Sweep(plan: plan, jobs: 1, resultsRoot: root, gnuplot: nil).run(progress: .silent)
        try "secret\n".write(toFile: base + "/secret.txt", atomically: false, encoding: .utf8)
        return (root, plan, base + "/secret.txt")
    }

    func withServer(_ root: String, _ body: @Sendable (Int) async throws -> Void) async throws {
        var server = try ResultsServer(root: root, port: 0)
        server.poll = .milliseconds(100)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { [server] in try await server.run { continuation.yield($0) } }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { Issue.record("the server did not start"); return }
        do { try await body(port) } catch { task.cancel(); _ = try? await task.value; throw error }
        task.cancel()
        _ = try? await task.value
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// One request as raw bytes; the whole answer (the server closes: Connection: close).
    static func request(_ port: Int, _ text: String) throws -> Answer {
        let fd = try connect(port)
        defer { close(fd) }
        _ = text.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
        var bytes = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard r == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    static func parse(_ text: String) -> Answer {
        let parts = text.components(separatedBy: "\r\n\r\n")
        let lines = parts[0].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers = [String: String]()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = parts.dropFirst().joined(separator: "\r\n\r\n")
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Answer(status: status, headers: headers, body: body)
    }

    static func dechunk(_ s: String) -> String {
        var out = "", rest = Substring(s)
        while let end = rest.range(of: "\r\n"), let size = Int(rest[..<end.lowerBound], radix: 16), size > 0 {
            let start = end.upperBound
            let utf8 = rest[start...].utf8
            let stop = utf8.index(utf8.startIndex, offsetBy: size)
            out += String(rest[start..<stop])
            rest = rest[stop...].dropFirst(2)
        }
        return out
    }

    static func get(_ port: Int, _ path: String, method: String = "GET", host: String = "127.0.0.1") throws -> Answer {
        try request(port, "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n")
    }

    @Test func servesThePagesAndTheFiles() async throws {
        let (root, plan, _) = try await results()
        try await withServer(root) { port in
            let page = try Self.get(port, "/live/index.html")
            #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.body == (try String(contentsOfFile: root + "/live/index.html", encoding: .utf8)))
            #expect(page.headers["x-content-type-options"] == "nosniff")
            #expect(page.headers["content-security-policy"]?.contains("script-src '\(LiveUpdate.scriptHash)'") == true)
            // A folder: redirected to its name with a slash, then its page.
            let folder = try Self.get(port, "/live")
            #expect(folder.status == 301 && folder.headers["location"] == "/live/")
            #expect(try Self.get(port, "/live/").body == page.body)
            let csv = try Self.get(port, "/live/runs/\(plan.runs[0].id)/metrics.csv")
            #expect(csv.status == 200 && csv.headers["content-type"] == "text/csv; charset=utf-8")
            #expect(csv.body == (try String(contentsOfFile: root + "/live/runs/\(plan.runs[0].id)/metrics.csv", encoding: .utf8)))
            // HEAD: the length, no body.
            let head = try Self.get(port, "/live/summary.md", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty)
            #expect(head.headers["content-length"] == "\((try FileManager.default.attributesOfItem(atPath: root + "/live/summary.md")[.size] as! NSNumber).intValue)")
            // The page across sweeps, made for the request: it links the sweep.
            let index = try Self.get(port, "/")
            #expect(index.status == 200 && index.body.contains("href=\"live/index.html\""))
        }
    }

    @Test func answersWithTheSweepsProgressAndRanking() async throws {
        let (root, plan, _) = try await results()
        try await withServer(root) { port in
            let answer = try Self.get(port, "/api/sweeps/live")
            #expect(answer.status == 200 && answer.headers["content-type"] == "application/json")
            let json = try JSONParser.parse(Array(answer.body.utf8))
            #expect(json["runs_total"] == .number(4) && json["runs_completed"] == .number(4) && json["runs_failed"] == .number(0))
            #expect(json["progress"] == .string("4 of 4 runs complete"))
            #expect(json["metric"] == .string("val_loss"))
            // The ranking is the page's (written by run): the same configurations in the same
            // order, each mean as the page prints it.
            let page = try String(contentsOfFile: root + "/live/index.html", encoding: .utf8)
            guard case let .array(rows)? = json["summary"], rows.count == 2,
                  case let .string(first)? = rows[0]["configuration"], case let .string(second)? = rows[1]["configuration"],
                  case let .number(mean)? = rows[0]["mean"], let firstRow = page.range(of: "<tr><td>1</td><td class=\"left\"><code>\(Self.escaped(first))</code></td><td>"),
                  let secondRow = page.range(of: "<tr><td>2</td><td class=\"left\"><code>\(Self.escaped(second))</code></td>")
            else { Issue.record("two configurations, ranked as on the page: \(answer.body)"); return }
            #expect(firstRow.upperBound < secondRow.lowerBound && rows[0]["n"] == .number(2))
            #expect(page[firstRow.upperBound...].hasPrefix(String(Summary.format(Double(mean)!))), "\(mean)")
            // The table's cells are the page's: every one is in index.html as the page shows it.
            guard case let .array(tableRows)? = json["table"]?["rows"] else { Issue.record("table rows"); return }
            for row in tableRows {
                guard case let .array(cells)? = row["cells"] else { continue }
                for cell in cells { if case let .string(t)? = cell["text"], !t.isEmpty { #expect(page.contains(Self.escaped(t)), "\(t)") } }
            }
            #expect(plan.runs.count == 4)
            #expect(try Self.get(port, "/api/sweeps/missing").status == 404)
            #expect(try Self.get(port, "/api/sweeps/%2e%2e").status == 404)
        }
    }

    @Test func sendsAnEventWhenARunFinishes() async throws {
        let (root, plan, _) = try await results()
        try await withServer(root) { port in
            let fd = try Self.connect(port)
            defer { close(fd) }
            let text = "GET /api/sweeps/live/events HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n"
            _ = text.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
            var received = ""
            func read(until marker: String) {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !received.contains(marker) {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n <= 0 { return }
                    received += String(decoding: buffer[0..<n], as: UTF8.self)
                }
            }
            read(until: "retry: 2000")
            #expect(received.contains("text/event-stream"))
            // The runs finished before the client came are not news.
            #expect(!received.contains("event: run"))
            // Another process finishes a run: its status file appears (written last).
            let status = try String(contentsOfFile: root + "/live/runs/\(plan.runs[0].id)/status.json", encoding: .utf8)
            try FileManager.default.createDirectory(atPath: root + "/live/runs/late", withIntermediateDirectories: true)
            try status.write(toFile: root + "/live/runs/late/status.json", atomically: true, encoding: .utf8)
            read(until: "\"completed\"}")
            #expect(received.contains("event: run\ndata: {\"run\":\"late\",\"status\":\"completed\"}\n\n"), "\(received)")
        }
    }

    @Test func neverWritesNorLeavesTheFolder() async throws {
        let (root, _, outside) = try await results()
        try FileManager.default.createSymbolicLink(atPath: root + "/live/secret.txt", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/linked", withDestinationPath: root + "/live")
        let before = try FileManager.default.subpathsOfDirectory(atPath: root).sorted()
        try await withServer(root) { port in
            for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/live/%2e%2e/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/live/..%2f..%2fsecret.txt",
                         "//secret.txt", "/live/secret.txt", "/linked/index.html", "/linked/", "/api/sweeps/linked", "/api/sweeps/linked/events",
                         "/live/.summary.lock", "/live/%00", "\(outside)"] {
                let answer = try Self.get(port, path)
                #expect(answer.status == 404 || answer.status == 400, "\(path): \(answer.status)")
                #expect(!answer.body.contains("secret"), "\(path)")
            }
            for method in ["POST", "PUT", "DELETE", "PATCH"] {
                let answer = try Self.request(port, "\(method) /live/new.txt HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
                #expect(answer.status == 405 && answer.headers["allow"] == "GET, HEAD", "\(method)")
            }
            // A page elsewhere that rebinds its name to 127.0.0.1 is refused.
            #expect(try Self.get(port, "/live/index.html", host: "attacker.example").status == 403)
            #expect(try Self.get(port, "/live/index.html", host: "localhost").status == 200)
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root).sorted() == before)
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The page's one script is the one the policy names: its SHA-256, as sha256sum computes it.
    @Test func theScriptsHashIsItsOwn() throws {
        let hex = try #require(try toolOutput("/usr/bin/sha256sum", [], input: Data(("\n" + LiveUpdate.script + "\n").utf8))).prefix(64)
        var digest = [UInt8]()
        var i = hex.startIndex
        while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); digest.append(UInt8(hex[i..<j], radix: 16)!); i = j }
        #expect(LiveUpdate.scriptHash == "sha256-" + Data(digest).base64EncodedString())
        // No '<' or '&' in it: the page stays well-formed XML without a CDATA section.
        #expect(!LiveUpdate.script.contains("<") && !LiveUpdate.script.contains("&"))
    }
}
