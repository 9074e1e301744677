import ArgumentParser
import ExperimentRunner
import Foundation

struct Report: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Write results/index.html: every sweep in the results folder with its best configuration, metric, runs complete, date and a link to its page.",
        discussion: "Static, no script. A sweep that cannot be read is listed with the reason. Exit codes: 0 written, 2 the folder cannot be read or written.")

    @OptionGroup var input: InputOptions

    @Argument(help: "The results folder.", completion: .directory)
    var results = "results"

    func run() throws {
        let root = ResultsDirectory.display(results)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw ResultsError(path: root, message: "not a folder")
        }
        let entries = try ResultsIndex.write(root: root)
        for entry in entries where entry.problem != nil { printError("warning: \(root)/\(entry.name): \(entry.problem!)") }
        print("\(entries.count) sweep\(entries.count == 1 ? "" : "s"): \(root)/index.html")
    }
}
