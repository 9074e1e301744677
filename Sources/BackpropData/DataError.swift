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
    /// A control character shows as `\u{1B}`: text from a file never moves a terminal's cursor,
    /// clears its screen or breaks the message's one line.
    public static func quoted(_ text: String) -> String {
        let shown = text.count <= 40 ? "\"\(visible(text))\"" : "\"\(visible(String(text.prefix(37))))...\" (\(text.utf8.count) bytes)"
        return shown
    }

    /// `text` with each control character (C0, DEL, C1) written as `\u{XX}`.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return text }
        var out = ""
        for c in text.unicodeScalars {
            if c.value < 0x20 || (0x7F...0x9F).contains(c.value) { out += "\\u{" + String(c.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(c) }
        }
        return out
    }
}
