import ArgumentParser
import ExperimentRunner
import Foundation

struct Summarize: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Merge the complete runs of a results folder into summary.csv, summary.md, the plots and index.html.",
        discussion: "Whichever processes or Slurm shards wrote the runs. Says how many runs are still missing; exit 0 either way, 2 if the folder is not a results folder.")

    @OptionGroup var input: InputOptions

    @Argument(help: "A results folder, e.g. results/moons-sweep.", completion: .directory)
    var directory: String

    func run() throws {
        let (complete, missing) = try SweepReport.forResults(directory).summarize(progress: Progress(style: .lines, total: 0))
        print("summarized \(complete) complete run\(complete == 1 ? "" : "s")" + (missing > 0 ? "; \(missing) still missing" : "")
            + ": \(ResultsDirectory.display(directory))/summary.md")
    }
}
