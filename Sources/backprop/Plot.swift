import ArgumentParser
import ExperimentRunner
import Foundation

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the summaries of a sweep's results folder from its complete runs and render every plot again from its CSVs and .gp scripts.")

    @Argument(help: "A results folder, e.g. results/moons-sweep.", completion: .directory)
    var directory: String

    func run() throws {
        // Only a sweep's folder: its summaries are rebuilt from the runs complete on disk (as
        // `summarize` does), then every script in it is rendered.
        let report = try SweepReport.forResults(directory, gnuplot: nil)
        guard let gnuplot = Gnuplot.find() else {
            printError(Gnuplot.Failure.notInstalled.description)
            throw ExitCode(1)
        }
        _ = try report.summarize(progress: Progress(style: .lines, total: 0))
        var scripts = [String]()
        if let walker = FileManager.default.enumerator(atPath: directory) {
            for case let path as String in walker where path.hasSuffix(".gp") { scripts.append(path) }
        }
        var failures = 0
        for script in scripts.sorted() {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(script)
            do {
                try gnuplot.render(file: url.path)
            } catch {
                failures += 1
                printError("\(url.path): \(error)")
            }
        }
        print("rendered \(scripts.count - failures) of \(scripts.count) plot scripts in \(ResultsDirectory.display(directory))")
        if failures > 0 { throw ExitCode(1) }
    }
}
