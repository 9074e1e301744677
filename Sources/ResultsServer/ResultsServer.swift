import ExperimentRunner
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `backprop serve`: the results folder over HTTP, read-only. Every file as it is on disk
/// (the index and each sweep's page among them), plus, for each sweep,
///
/// - `GET /api/sweeps/<name>`: `SweepStatus` as JSON;
/// - `GET /api/sweeps/<name>/events`: server-sent events, one `run` event per run that
///   finishes (`{"run": "<id>", "status": "completed"}`), found by looking at the folder
///   twice a second (`FinishedRuns`), whichever process writes it.
///
/// Only GET and HEAD are answered (any other method: 405); no request writes. Paths are
/// decoded once and checked (`ServedPath`); files are opened below the folder without
/// following a link (`ServedFile`). On a loopback address, a request whose Host is not a
/// loopback name is refused (403), so a web page elsewhere cannot reach the results through
/// the browser by rebinding its own name to 127.0.0.1.
public struct ResultsServer: Sendable {
    /// The results folder as the user named it (it may itself be a link: it is opened once, here).
    public let root: String
    public let host: String
    public let port: Int
    /// How often the folder is looked at for finished runs.
    public var poll: Duration = .milliseconds(500)
    let rootDescriptor: Descriptor

    final class Descriptor: Sendable {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    public init(root: String, host: String = "127.0.0.1", port: Int) throws {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ResultsError(path: root, message: "cannot be served: " + String(cString: strerror(errno))) }
        self.root = root
        self.host = host
        self.port = port
        rootDescriptor = Descriptor(fd)
    }

    /// Whether `host` is a loopback address: anything else is reachable from other machines.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Serves until SIGINT or SIGTERM; `ready` gets the port bound (useful with port 0).
    public func run(ready: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        var logger = Logger(label: "backprop-serve")
        logger.logLevel = .critical
        let app = Application(responder: Responder(server: self), configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { channel in ready(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService()
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let server: ResultsServer

        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            guard request.method == .get || request.method == .head else {
                return Self.text(.methodNotAllowed, "only GET and HEAD: backprop serve never writes\n", extra: [.allow: "GET, HEAD"])
            }
            if ResultsServer.isLoopback(server.host), let authority = request.head.authority, !Self.isLoopbackAuthority(authority) {
                return Self.text(.forbidden, "this server answers requests to a loopback name only\n")
            }
            guard let path = ServedPath(request.uri.path) else { return Self.text(.notFound, "not found\n") }
            let head = request.method == .head
            if path.segments.first == "api" {
                return api(path, head: head)
            }
            if path.segments.isEmpty {
                // The page across sweeps, as `backprop report` writes it, made now.
                let html = ResultsIndex.html(ResultsIndex.entries(root: server.root))
                return Self.bytes(Array(html.utf8), type: ServedFile.contentType("index.html"), head: head)
            }
            switch ServedFile.open(path, in: server.rootDescriptor.fd) {
            case .notFound: return Self.text(.notFound, "not found\n")
            case .folder:
                let location = request.uri.path + "/"
                var headers = Self.common(type: "text/plain; charset=utf-8", html: false)
                headers[.location] = location
                return Response(status: .movedPermanently, headers: headers)
            case let .file(file):
                var headers = Self.common(type: ServedFile.contentType(file.name), html: file.name.hasSuffix(".html"))
                headers[.contentLength] = "\(file.size)"
                if head { return Response(status: .ok, headers: headers) }
                return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: file.size) { writer in
                    var offset = 0
                    while offset < file.size {
                        guard let chunk = file.read(at: offset, count: min(1 << 16, file.size - offset)), !chunk.isEmpty else { break }
                        try await writer.write(ByteBuffer(bytes: chunk))
                        offset += chunk.count
                    }
                    try await writer.finish(nil)
                })
            }
        }

        /// `/api/sweeps/<name>` and `/api/sweeps/<name>/events`.
        func api(_ path: ServedPath, head: Bool) -> Response {
            let s = path.segments
            guard s.count == 3 || (s.count == 4 && s[3] == "events"), s[1] == "sweeps" else { return Self.text(.notFound, "not found\n") }
            let name = s[2]
            // The sweep's folder, opened as a file is: no link, a real folder with spec.json.
            guard let folder = ServedFile.openFolder([name], in: server.rootDescriptor.fd) else { return Self.json(.notFound, error: "no sweep named \(name)", head: head) }
            let spec = openat(folder, "spec.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            close(folder)
            guard spec >= 0 else { return Self.json(.notFound, error: "no sweep named \(name) (no spec.json)", head: head) }
            close(spec)
            if s.count == 4 { return events(name, head: head) }
            do {
                // Nor through a link in the sweep's own folders (runs/ among them).
                try ResultsDirectory(root: server.root, name: name).refuseLinks()
                let status = try SweepStatus(folder: server.root + "/" + name)
                return Self.bytes(Array((status.json.serialized(indent: nil) + "\n").utf8), type: "application/json", head: head)
            } catch {
                return Self.json(.internalServerError, error: "\(error)", head: head)
            }
        }

        /// One `run` event per run that finishes from now on; a comment every 15 s keeps the
        /// connection open through proxies and finds clients that left.
        func events(_ name: String, head: Bool) -> Response {
            var headers = Self.common(type: "text/event-stream; charset=utf-8", html: false)
            headers[.cacheControl] = "no-store"
            if head { return Response(status: .ok, headers: headers) }
            let root = server.rootDescriptor, poll = server.poll
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var watch = FinishedRuns(sweep: [name], root: root.fd)
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                var quiet = Duration.zero
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    try await Task.sleep(for: poll)
                    let fresh = watch.next()
                    for f in fresh {
                        let data = JSONValue.object([("run", .string(f.run)), ("status", .string(f.status))]).serialized(indent: nil)
                        try await writer.write(ByteBuffer(string: ServerSentEvent.text(event: "run", data: data)))
                    }
                    quiet = fresh.isEmpty ? quiet + poll : .zero
                    if quiet >= .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": still watching\n\n"))
                        quiet = .zero
                    }
                }
                try await writer.finish(nil)
            })
        }

        static func isLoopbackAuthority(_ authority: String) -> Bool {
            var host = Substring(authority)
            if host.hasPrefix("[") { host = host.dropFirst().prefix(while: { $0 != "]" }) } else if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
            return ResultsServer.isLoopback(String(host).lowercased())
        }

        /// Headers every answer carries: no sniffing, no referrer, never cached stale (results
        /// change), and a policy that lets a page run the one script backprop writes into it
        /// (`LiveUpdate`, named by its hash) and nothing else, load nothing from elsewhere and
        /// talk to no one but this server; any other file may run nothing at all.
        static func common(type: String, html: Bool) -> HTTPFields {
            let policy = html
                ? "default-src 'none'; script-src '\(LiveUpdate.scriptHash)'; style-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
                : "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; sandbox"
            return [.contentType: type, .cacheControl: "no-cache", xContentTypeOptions: "nosniff", referrerPolicy: "no-referrer",
                    contentSecurityPolicy: policy]
        }

        static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
        static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
        static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

        static func bytes(_ body: [UInt8], type: String, head: Bool, status: HTTPResponse.Status = .ok) -> Response {
            var headers = common(type: type, html: type.hasPrefix("text/html"))
            headers[.contentLength] = "\(body.count)"
            return head ? Response(status: status, headers: headers) : Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }

        static func text(_ status: HTTPResponse.Status, _ message: String, extra: HTTPFields = [:]) -> Response {
            var r = bytes(Array(message.utf8), type: "text/plain; charset=utf-8", head: false, status: status)
            r.headers.append(contentsOf: extra)
            return r
        }

        static func json(_ status: HTTPResponse.Status, error: String, head: Bool) -> Response {
            bytes(Array((JSONValue.object([("error", .string(error))]).serialized(indent: nil) + "\n").utf8), type: "application/json", head: head, status: status)
        }
    }
}
