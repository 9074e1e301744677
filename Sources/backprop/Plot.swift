import ArgumentParser
import ExperimentRunner
import Foundation

struct Plot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the summaries of a results folder from its complete runs and render every plot again from its CSVs and .gp scripts.")

    @Argument(help: "A results folder, e.g. results/moons-sweep.", completion: .directory)
    var directory: String

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("\(directory): no such results folder")
            throw ExitCode(2)
        }
        guard let gnuplot = Gnuplot.find() else {
            printError(Gnuplot.Failure.notInstalled.description)
            throw ExitCode(1)
        }
        // A sweep's folder first gets its summaries rebuilt from the runs complete on disk
        // (as `summarize` does), then every script is rendered.
        if FileManager.default.fileExists(atPath: directory + "/spec.json") {
            _ = try await reportingInputErrors {
                try Sweep.forResults(directory, gnuplot: nil).summarize(progress: Progress(style: .lines, total: 0))
            }
        }
        var scripts = [String]()
        if let walker = FileManager.default.enumerator(atPath: directory) {
            for case let path as String in walker where path.hasSuffix(".gp") { scripts.append(path) }
        }
        var failures = 0
        for script in scripts.sorted() {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(script)
            do {
                let text = try String(contentsOf: url, encoding: .utf8)
                try gnuplot.render(script: text, in: url.deletingLastPathComponent().path)
            } catch {
                failures += 1
                printError("\(url.path): \(error)")
            }
        }
        print("rendered \(scripts.count - failures) of \(scripts.count) plot scripts in \(directory)")
        if failures > 0 { throw ExitCode(1) }
    }
}
