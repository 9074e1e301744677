/// A `--set path=value` from the command line. `path=a,b,c` sweeps: it adds a grid axis,
/// as Hydra's multirun does.
public struct Override: Sendable, Equatable {
    public var path: JSONPath
    public var pathText: String
    public var values: [JSONValue]
    public var isSweep: Bool { values.count > 1 }

    public init(path: JSONPath, pathText: String, values: [JSONValue]) {
        self.path = path
        self.pathText = pathText
        self.values = values
    }

    /// Parses one `--set` argument. A value that is valid JSON is taken as JSON
    /// (`--set model.layers=[...]`, `--set loss="mse"`); otherwise a number or true/false is
    /// taken as such, and anything else as a string (`--set loss=mse`). Commas outside
    /// brackets and quotes separate sweep values.
    public static func parse(_ argument: String) throws(SpecError) -> Override {
        guard let eq = argument.firstIndex(of: "=") else {
            throw SpecError(file: "--set", path: "", message: "\"\(argument)\" is not path=value")
        }
        let pathText = String(argument[..<eq]), valueText = String(argument[argument.index(after: eq)...])
        guard let path = GridAxis.parsePath(pathText) else {
            throw SpecError(file: "--set", path: pathText, message: "not a path like optimizer.learning_rate or model.layers[0].units")
        }
        if case .key("grid") = path.components.first {
            throw SpecError(file: "--set", path: pathText, message: "set a field directly; path=a,b,c adds a grid axis")
        }
        guard !valueText.isEmpty else { throw SpecError(file: "--set", path: pathText, message: "no value after '='") }
        if let whole = try? JSONParser.parse(valueText) { return Override(path: path, pathText: pathText, values: [whole]) }
        if case .key(let first) = path.components.first, ExperimentSpec.descriptive.contains(first) {
            // Not a hyperparameter: never swept, so a comma is part of the text.
            return Override(path: path, pathText: pathText, values: [.string(valueText)])
        }
        let parts = splitTopLevel(valueText)
        if parts.contains(where: \.isEmpty) { throw SpecError(file: "--set", path: pathText, message: "empty value in \(Self.cut(valueText))") }
        // A value that opens as JSON (an array, an object, a quoted string) must be JSON:
        // taken as a plain string, it would surface later as a type error in the spec.
        for part in parts where part.first.map({ "[{\"".contains($0) }) == true {
            do { _ = try JSONParser.parse(part) } catch {
                throw SpecError(file: "--set", path: pathText, message: "\(Self.cut(part)) is not valid JSON (\(error)); quote the whole argument for the shell")
            }
        }
        return Override(path: path, pathText: pathText, values: parts.map(scalar))
    }

    /// A value cut to 60 characters for a message.
    static func cut(_ text: String) -> String {
        text.count <= 60 ? "\"\(text)\"" : "\"\(text.prefix(57))...\" (\(text.utf8.count) bytes)"
    }

    static func scalar(_ text: String) -> JSONValue {
        if let v = try? JSONParser.parse(text) { return v }
        return .string(text)
    }

    static func splitTopLevel(_ text: String) -> [String] {
        var parts = [String](), current = "", depth = 0, inString = false, escaped = false
        for c in text {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" { inString = true
            } else if c == "[" || c == "{" { depth += 1
            } else if c == "]" || c == "}" { depth -= 1
            } else if c == "," && depth == 0 { parts.append(current); current = ""; continue }
            current.append(c)
        }
        parts.append(current)
        return parts
    }
}
