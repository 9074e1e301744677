/// Bad data: the file, where in it (line:column when known), and what is wrong, on one line:
/// `experiments/data/iris.csv:14:9: "petal_length" is "abc", not a number`.
public struct DataError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var location: String?
    public var message: String

    public init(file: String, location: String? = nil, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public init(file: String, line: Int, column: Int, message: String) {
        self.init(file: file, location: "\(line):\(column)", message: message)
    }

    public var description: String { location.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

extension DataError {
    /// A value from the data as a message quotes it: whole up to 40 characters, else its
    /// start and its length, so that a 50 MB field never fills a terminal.
    public static func quoted(_ text: String) -> String {
        text.count <= 40 ? "\"\(text)\"" : "\"\(text.prefix(37))...\" (\(text.utf8.count) bytes)"
    }
}
