import Foundation
import ResultsServer
import Testing
import TestSupport

@Suite struct ServedPathTests {
    @Test func decodesEachSegmentOnce() {
        #expect(ServedPath("/")?.segments == [])
        #expect(ServedPath("/moons/index.html")?.segments == ["moons", "index.html"])
        #expect(ServedPath("/moons/")?.segments == ["moons"] && ServedPath("/moons/")?.trailingSlash == true)
        #expect(ServedPath("/caf%C3%A9/a%20b.svg")?.segments == ["café", "a b.svg"])
        // Decoded once: %252e stays "%2e", a name, not a dot.
        #expect(ServedPath("/%252e%252e")?.segments == ["%2e%2e"])
    }

    @Test(arguments: ["", "moons", "/..", "/a/../b", "/%2e%2e/etc/passwd", "/%2E%2E", "/.", "/a/./b", "//etc/passwd",
                      "/a//b", "/a%2Fb", "/a%5Cb", "/a\\b", "/.summary.lock", "/moons/.claim", "/a%00b", "/a%0Ab", "/a%7F",
                      "/%C2%85", "/%FF", "/%zz", "/a%2", "/%"])
    func refuses(_ raw: String) {
        #expect(ServedPath(raw) == nil, "\(raw)")
    }

    @Test func refusesLongPaths() {
        #expect(ServedPath("/" + String(repeating: "a/", count: 65)) == nil)
        #expect(ServedPath("/" + String(repeating: "a", count: 5000)) == nil)
        #expect(ServedPath("/" + Array(repeating: "a", count: 64).joined(separator: "/")) != nil)
    }
}

@Suite struct ServedFileTests {
    /// A results folder with a page, a file, a folder, and the links and oddities that must
    /// never be served: links to a file outside, to a file inside, to a folder outside, a FIFO.
    func plant() throws -> (root: String, fd: Int32, outside: String) {
        let base = temporaryDirectory(), root = base + "/results", outside = base + "/secret"
        try FileManager.default.createDirectory(atPath: root + "/moons/runs/r1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret\n".write(toFile: outside + "/key.txt", atomically: false, encoding: .utf8)
        try "<html></html>\n".write(toFile: root + "/moons/index.html", atomically: false, encoding: .utf8)
        try "epoch,train_loss\n".write(toFile: root + "/moons/runs/r1/metrics.csv", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/moons/key.txt", withDestinationPath: outside + "/key.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/moons/inside.csv", withDestinationPath: root + "/moons/runs/r1/metrics.csv")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/moons/runs/r2", withDestinationPath: outside)
        #expect(mkfifo(root + "/moons/pipe", 0o600) == 0)
        let fd = open(root, O_RDONLY | O_DIRECTORY)
        return (root, fd, outside)
    }

    func contents(_ raw: String, _ fd: Int32) -> String? {
        guard case let .file(f) = ServedFile.open(ServedPath(raw)!, in: fd) else { return nil }
        return f.contents(limit: 1 << 20).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func servesFilesAndIndexPages() throws {
        let (_, fd, _) = try plant()
        defer { close(fd) }
        #expect(contents("/moons/runs/r1/metrics.csv", fd) == "epoch,train_loss\n")
        #expect(contents("/moons/", fd) == "<html></html>\n")
        guard case .folder = ServedFile.open(ServedPath("/moons")!, in: fd) else { Issue.record("a folder without its slash is redirected"); return }
        guard case .notFound = ServedFile.open(ServedPath("/moons/runs/r1/metrics.csv/")!, in: fd) else { Issue.record("a file with a slash"); return }
        guard case .notFound = ServedFile.open(ServedPath("/moons/runs/")!, in: fd) else { Issue.record("a folder without index.html"); return }
    }

    @Test(arguments: ["/moons/key.txt", "/moons/inside.csv", "/escape/key.txt", "/escape/", "/moons/runs/r2/key.txt", "/moons/pipe", "/missing"])
    func neverServes(_ raw: String) throws {
        let (_, fd, _) = try plant()
        defer { close(fd) }
        guard case .notFound = ServedFile.open(ServedPath(raw)!, in: fd) else { Issue.record("served \(raw)"); return }
    }

    @Test func contentTypesNeverRunAnUnknownFile() {
        #expect(ServedFile.contentType("index.html") == "text/html; charset=utf-8")
        #expect(ServedFile.contentType("loss.svg") == "image/svg+xml")
        #expect(ServedFile.contentType("summary.tex") == "text/plain; charset=utf-8")
        #expect(ServedFile.contentType("checkpoint.bin") == "application/octet-stream")
        #expect(ServedFile.contentType("evil.js") == "application/octet-stream")
        #expect(ServedFile.contentType("html") == "application/octet-stream")
    }
}
