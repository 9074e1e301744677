import ArgumentParser
import ExperimentRunner
import Foundation

struct Plan: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Check a spec and list the runs it expands to, without training.",
        discussion: "Prints each run's id, the parameters and FLOPs per epoch of each architecture, and a time estimate from training the first run briefly.")

    @OptionGroup var spec: SpecOptions
    var input: InputOptions { spec.input }

    @Option(help: "The --jobs the estimate assumes.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Skip the timing calibration.")
    var noCalibration = false

    func run() throws {
        let report = try PlanReport(plan: try spec.plan())
        print(report.text(jobs: jobs, secondsPerEpoch: noCalibration ? nil : report.calibrate()), terminator: "")
    }
}
