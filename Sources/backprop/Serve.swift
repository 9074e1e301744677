import ArgumentParser
import ExperimentRunner
import Foundation
import ResultsServer
import Synchronization

struct Serve: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Serve the results folder read-only over HTTP: the index, every sweep's page updating live while it runs, and a JSON API.",
        discussion: """
            GET /api/sweeps/<name> gives the sweep's progress (runs_total, runs_completed, runs_failed) and its \
            ranked configurations as JSON; GET /api/sweeps/<name>/events sends one server-sent event per run \
            that finishes, whichever process writes the folder (a local run, a Slurm array). Nothing is ever \
            written, no link below the folder is followed, and only GET and HEAD are answered. Ctrl-C stops. \
            Exit codes: 0 stopped, 2 the folder cannot be served or the port cannot be bound.
            """)

    @OptionGroup var input: InputOptions

    @Argument(help: "The results folder.", completion: .directory)
    var results = "results"

    @Option(help: "The port (0: any free one, printed).")
    var port = 8000

    @Option(help: "The address to listen on. Anything but a loopback address makes the results readable from other machines.")
    var host = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535 (got \(port))") }
    }

    func run() throws {
        let root = ResultsDirectory.display(results)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw ResultsError(path: root, message: "not a folder")
        }
        if !ResultsServer.isLoopback(host) {
            printError("warning: --host \(host) makes \(root) readable by anyone who can reach this machine on port \(port)")
        }
        let server = try ResultsServer(root: root, host: host, port: port)
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { bound in
                    FileHandle.standardOutput.write(Data("Serving \(root) at http://\(host):\(bound)/ (read-only; Ctrl-C stops)\n".utf8))
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            done.signal()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) { throw ResultsError(path: root, message: "cannot be served on \(host):\(port): \(message)") }
    }
}
