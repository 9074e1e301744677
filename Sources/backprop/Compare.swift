import ArgumentParser
import ExperimentRunner
import Foundation

struct Compare: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Compare two sweeps: what changed in the spec, each one's best, and every configuration they share, paired seed by seed.",
        discussion: """
            B is the new one: differences are b − a, and "b better on" counts the seeds on which b wins \
            by the objective. Prints the Markdown and writes it with a plot of both best curves to \
            --output (default: compare-<a>-<b> beside a). Exit codes: 0 done, 1 with --fail-if-worse \
            when b's best configuration is worse than a's, 2 a folder that is not a sweep's.
            """)

    @OptionGroup var input: InputOptions

    @Argument(help: ArgumentHelp("The reference sweep: results/<name>.", valueName: "a"), completion: .directory)
    var a: String

    @Argument(help: ArgumentHelp("The sweep to compare with it.", valueName: "b"), completion: .directory)
    var b: String

    @Option(help: "The folder for compare.md, compare.csv and the plot.")
    var output: String?

    @Flag(help: "Exit 1 when b's best configuration is worse than a's (for scripts and CI).")
    var failIfWorse = false

    func run() throws {
        let comparison = try SweepComparison(a, b)
        let parent = URL(fileURLWithPath: ResultsDirectory.display(a)).deletingLastPathComponent().path
        let folder = output.map(ResultsDirectory.display) ?? "\(parent)/compare-\(comparison.a)-\(comparison.b)"
        let markdown = comparison.markdown
        try ResultsDirectory.writeAtomically(markdown, to: folder + "/compare.md", userFolder: true)
        if let csv = comparison.curvesCSV() {
            try ResultsDirectory.writeAtomically(csv, to: folder + "/compare.csv", userFolder: true)
            try ResultsDirectory.writeAtomically(comparison.curvesScript(), to: folder + "/compare.gp", userFolder: true)
            if let gnuplot = Gnuplot.find() {
                do { try gnuplot.render(file: folder + "/compare.gp") } catch { printError("warning: \(folder)/compare.gp: \(error)") }
            }
        }
        print(markdown + "\nwritten: \(folder)/compare.md")
        if failIfWorse && comparison.bIsWorse { throw ExitCode(1) }
    }
}
