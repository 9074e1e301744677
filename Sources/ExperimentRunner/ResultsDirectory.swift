import Foundation

/// The results layout (README, "Output") and atomic writes into it.
///
///     results/<name>/spec.json summary.csv summary.md curves.csv loss.{gp,png,svg}
///     results/<name>/runs/<run_id>/config.json metrics.csv model.json loss.{gp,png}
public struct ResultsDirectory: Sendable {
    public let path: String

    public init(root: String, name: String) { path = root + "/" + name }

    public func runPath(_ id: String) -> String { path + "/runs/" + id }

    /// Writes `text` under a temporary name in the same folder, then renames it into place,
    /// so that a reader (or a crash) never sees a half-written file.
    public static func writeAtomically(_ text: String, to file: String) throws {
        let url = URL(fileURLWithPath: file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, file) == 0 else { throw FileError(path: file, code: errno) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
