import BackpropData
import Foundation

/// Bad user input in a spec: the file, the JSON path and what is wrong, on one line.
public struct SpecError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public var file: String
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// The error at `path` in `file`.
    public init(file: String, at path: JSONPath, message: String) {
        self.init(file: file, path: path.components.isEmpty ? "" : path.description, message: message)
    }

    /// One line whatever the spec holds: a value quoted in the message (a YAML block scalar,
    /// a JSON string with \n) shows its control characters as \u{..} (`DataError.visible`).
    public var description: String { DataError.visible(path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)") }
    public var errorDescription: String? { description }
}
