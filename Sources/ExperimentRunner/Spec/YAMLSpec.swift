import Foundation
import Yams

/// A spec written in YAML (`.yaml`, `.yml`), read with Yams (jpsim/Yams, libyaml) into the
/// same `JSONValue` a JSON spec becomes, so that the same rules check it and the same spec in
/// either form plans the same runs and trains the same numbers; spec.json in the results is
/// always the canonical JSON.
///
/// Scalars are read as JSON reads them, not by YAML 1.1's looser rules: an unquoted scalar is
/// null (`null`, `~` or nothing), a boolean (`true`, `false`), a number when it is JSON number
/// syntax (`1e-3` and `0.5` are numbers, kept as written; `.5`, `0x10` and `yes` are text),
/// and text otherwise; a quoted or block scalar is always text (tags such as `!!str` are not
/// read: quote a value to make it text). Aliases are expanded, but a spec that expands to
/// more than `maximumValues` values is refused (a few aliases of aliases can make a small
/// file a huge one), and nesting is bounded as in JSON.
public enum YAMLSpec {
    /// The most values (scalars, lists and mappings) a YAML spec may expand to.
    public static let maximumValues = 1_000_000

    public static func isYAML(_ file: String) -> Bool {
        let lower = file.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    /// The spec, and where each field is in the file (by `JSONPath` text: "model.layers[0]").
    public static func parse(_ bytes: [UInt8], file: String) throws -> (json: JSONValue, marks: [String: Mark]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SpecError(file: file, path: "", message: "is not UTF-8 text")
        }
        if let problem = flowDepthProblem(bytes) { throw SpecError(file: file, path: "", message: problem) }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            let (problem, mark): (String, Mark?)
            switch error {
            case let .scanner(_, p, m, _), let .parser(_, p, m, _), let .composer(_, p, m, _): (problem, mark) = (p, m)
            case let .duplicatedKeysInMapping(duplicates, context): (problem, mark) = ("the key \(duplicates.joined(separator: ", ")) appears twice", context.mark)
            case let .reader(p, _, _, _): (problem, mark) = (p, nil)
            default: (problem, mark) = ("\(error)", nil)
            }
            throw SpecError(file: located(file, mark), path: "", message: "invalid YAML: \(problem)")
        } catch {
            throw SpecError(file: file, path: "", message: "invalid YAML: \(error)")
        }
        guard let node else { throw SpecError(file: file, path: "", message: "is empty: a spec is a mapping of its fields") }
        var marks = [String: Mark]()
        var count = 0
        let json = try convert(node, path: JSONPath([]), depth: 0, file: file, marks: &marks, count: &count)
        return (json, marks)
    }

    /// "file:line:column", or the file alone without a mark.
    static func located(_ file: String, _ mark: Mark?) -> String { mark.map { "\(file):\($0.line):\($0.column)" } ?? file }

    /// Yams builds nested collections recursively: flow collections (`[[[…`) nested deeper than
    /// a spec's are refused before it parses, counting brackets anywhere (a quoted one counts
    /// too: a spec never needs that many).
    static func flowDepthProblem(_ bytes: [UInt8]) -> String? {
        var depth = 0
        for b in bytes {
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                depth += 1
                if depth >= JSONParser.maximumDepth { return "nested more than \(JSONParser.maximumDepth) levels deep" }
            } else if (b == UInt8(ascii: "]") || b == UInt8(ascii: "}")) && depth > 0 {
                depth -= 1
            }
        }
        return nil
    }

    static func convert(_ node: Node, path: JSONPath, depth: Int, file: String, marks: inout [String: Mark], count: inout Int) throws -> JSONValue {
        count += 1
        guard count <= maximumValues else {
            throw SpecError(file: located(file, node.mark), path: path.description, message: "expands to more than \(maximumValues) values (through its aliases?): a spec is smaller")
        }
        // Where each field is, for the first 10,000 (an error past them names the nearest one before).
        if count <= 10_000, let mark = node.mark, marks[path.description] == nil { marks[path.description] = mark }
        guard depth < JSONParser.maximumDepth else {
            throw SpecError(file: located(file, node.mark), path: path.description, message: "nested more than \(JSONParser.maximumDepth) levels deep")
        }
        switch node {
        case let .scalar(scalar):
            return value(scalar)
        case let .sequence(sequence):
            var items = [JSONValue]()
            for (i, item) in sequence.enumerated() {
                items.append(try convert(item, path: JSONPath(path.components + [.index(i)]), depth: depth + 1, file: file, marks: &marks, count: &count))
            }
            return .array(items)
        case let .mapping(mapping):
            var members = [(key: String, value: JSONValue)]()
            for (key, value) in mapping {
                guard case let .scalar(k) = key else {
                    throw SpecError(file: located(file, key.mark), path: path.description, message: "a key must be plain text, not a list or a mapping")
                }
                if members.contains(where: { $0.key == k.string }) {
                    throw SpecError(file: located(file, key.mark), path: path.description, message: "the key \"\(k.string)\" appears twice")
                }
                members.append((k.string, try convert(value, path: JSONPath(path.components + [.key(k.string)]), depth: depth + 1, file: file, marks: &marks, count: &count)))
            }
            return .object(members)
        case let .alias(alias):
            // Yams resolves aliases as it composes; should one remain, it is its node's value.
            throw SpecError(file: located(file, node.mark), path: path.description, message: "the alias *\(alias.anchor) names no anchor before it")
        }
    }

    /// A scalar as JSON would have it (see the type's comment).
    static func value(_ scalar: Node.Scalar) -> JSONValue {
        let s = scalar.string
        guard scalar.style == .plain else { return .string(s) }
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return isJSONNumber(s) ? .number(s) : .string(s)
        }
    }

    /// JSON's number syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isJSONNumber(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < b.count && b[k] >= UInt8(ascii: "0") && b[k] <= UInt8(ascii: "9") }
        if i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
        if i < b.count && b[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        return i == b.count
    }

    /// A spec error at `path` of a YAML spec, with the line and column of the field it names
    /// (or of the nearest field around it).
    static func locate(_ error: SpecError, marks: [String: Mark]) -> SpecError {
        var path = error.path
        while true {
            if let mark = marks[path] {
                return SpecError(file: located(error.file, mark), path: error.path, message: error.message)
            }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return error }
            path = String(path[..<cut])
        }
    }
}
