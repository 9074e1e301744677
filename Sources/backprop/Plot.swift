import ArgumentParser
import ExperimentRunner
import Foundation

struct Plot: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the summaries of a sweep's results folder from its complete runs, write every plot script anew from them and render it.",
        discussion: "Scripts already in the folder are never run (they may come from whoever handed it over): render one you edited with `gnuplot NAME.gp` in its folder.")

    @OptionGroup var input: InputOptions

    @Argument(help: "A results folder, e.g. results/moons-sweep.", completion: .directory)
    var directory: String

    func run() throws {
        // Only a sweep's folder: its summaries are rebuilt from the runs complete on disk (as
        // `summarize` does), then every plot script is written anew from the results and
        // rendered. Scripts already in the folder are not run: they may come from anyone
        // (render one you edited yourself with `gnuplot NAME.gp` in its folder).
        guard let gnuplot = Gnuplot.find() else {
            _ = try SweepReport.forResults(directory, gnuplot: nil)  // a folder that is not a sweep's is exit 2 first
            printError(Gnuplot.Failure.notInstalled.description)
            throw ExitCode(1)
        }
        let report = try SweepReport.forResults(directory, gnuplot: gnuplot, plots: .all)
        let tally = try report.replot(progress: Progress(style: .lines, total: 0))
        print("rendered \(tally.rendered) of \(tally.rendered + tally.failed) plot scripts in \(ResultsDirectory.display(directory))")
        if tally.failed > 0 { throw ExitCode(1) }
    }
}
