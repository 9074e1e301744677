import Foundation

/// A JSON document as written: object keys keep their order and numbers keep their text,
/// so a spec can be echoed back (spec.json, config.json) exactly, and a 64-bit seed is
/// never rounded through a Double.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's text as it appears in the source (valid JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (l: JSONValue, r: JSONValue) -> Bool {
        switch (l, r) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b || (Double(a) != nil && Double(a) == Double(b))
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: return false
        }
    }

    /// Equality as values: numbers by what they denote (0.1 and 0.10; whole numbers exactly,
    /// so 64-bit seeds never collide through a Double), objects whatever their key order.
    /// How configurations are compared (resume, duplicate grid values).
    public func sameValue(as other: JSONValue) -> Bool {
        switch (self, other) {
        case let (.number(a), .number(b)):
            if a == b { return true }
            if let x = Int64(a), let y = Int64(b) { return x == y }
            if let x = UInt64(a), let y = UInt64(b) { return x == y }
            guard let x = Double(a), let y = Double(b) else { return false }
            return x == y
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameValue(as: $1) }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { m in b.first { $0.key == m.key }.map { $0.value.sameValue(as: m.value) } ?? false }
        default: return self == other
        }
    }

    public static func number(_ value: Double) -> JSONValue { .number(formatNumber(value)) }
    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// A short name for the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// The shortest decimal text that reads back as exactly `value` (Swift's description),
/// integral values without ".0". For finite values: JSON has no infinity or NaN, and Swift's
/// "inf" and "nan" would make the document invalid (model.json and status.json write them
/// as strings).
public func formatNumber(_ value: Double) -> String {
    var out = ""
    appendNumber(value, to: &out)
    return out
}

/// `formatNumber(value)` appended to `out`, without a String of its own.
func appendNumber(_ value: Double, to out: inout String) {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { out += String(Int64(value)) } else { value.write(to: &out) }
}

// MARK: - Writing

extension JSONValue {
    /// Compact when `indent` is nil; otherwise pretty, with arrays of scalars kept on one line
    /// so that weight matrices read as rows.
    public func serialized(indent: Int? = 2) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private var isScalar: Bool {
        switch self { case .array, .object: return false; default: return true }
    }

    private func write(to out: inout String, indent: Int?, level: Int) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(text): out += text
        case let .string(s): out += Self.quote(s)
        case let .array(items):
            let inline = indent == nil || items.allSatisfy { $0.isScalar || ($0.isArrayOfScalars) }
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += inline ? (indent == nil ? "," : ", ") : "," }
                if !inline { newline(&out, indent, level + 1) }
                item.write(to: &out, indent: inline ? nil : indent, level: level + 1)
            }
            if !inline { newline(&out, indent, level) }
            out += "]"
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                out += Self.quote(member.key) + (indent == nil ? ":" : ": ")
                member.value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private var isArrayOfScalars: Bool {
        if case let .array(items) = self { return items.allSatisfy(\.isScalar) }
        return false
    }

    private func newline(_ out: inout String, _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }

    static func quote(_ s: String) -> String {
        // Keys and most values need no escape: a scan of their bytes decides.
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
