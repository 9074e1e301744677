/// Reads typed values out of a `JSONValue`, knowing where it is, so that every error names
/// the file and the JSON path ("model.layers[1].units: expected an integer, found a string").
public struct JSONReader {
    public let value: JSONValue
    public let path: JSONPath
    public let file: String

    public init(_ value: JSONValue, path: JSONPath = JSONPath(), file: String) {
        self.value = value
        self.path = path
        self.file = file
    }

    public func error(_ message: String) -> SpecError {
        SpecError(file: file, at: path, message: message)
    }

    private func typeError(_ expected: String) -> SpecError {
        if case let .string(s) = value { return error("expected \(expected), found the string \"\(s)\"") }
        if case let .number(n) = value { return error("expected \(expected), found \(n)") }
        return error("expected \(expected), found \(value.kindName)")
    }

    public func double() throws(SpecError) -> Double {
        guard case let .number(text) = value else { throw typeError("a number") }
        guard let d = Double(text), d.isFinite else { throw error("\(text) is out of range") }
        return d
    }

    public func int() throws(SpecError) -> Int {
        guard case let .number(text) = value else { throw typeError("an integer") }
        if let i = Int(text) { return i }
        if let d = Double(text), d == d.rounded(), abs(d) < 9e15 { return Int(d) }
        throw error(Double(text).map { $0 == $0.rounded() ? "\(text) is out of range" : "expected an integer, found \(text)" } ?? "expected an integer, found \(text)")
    }

    public func uint64() throws(SpecError) -> UInt64 {
        guard case let .number(text) = value else { throw typeError("a whole number from 0 to 18446744073709551615") }
        guard let u = UInt64(text) else { throw error("\(text) is not a whole number from 0 to 18446744073709551615") }
        return u
    }

    public func string() throws(SpecError) -> String {
        guard case let .string(s) = value else { throw typeError("a string") }
        return s
    }

    public func bool() throws(SpecError) -> Bool {
        guard case let .bool(b) = value else { throw typeError("true or false") }
        return b
    }

    /// One of an enum's spellings; the error lists them and suggests the closest.
    public func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type, what: String) throws(SpecError) -> E where E.RawValue == String {
        let s = try string()
        if let e = E(rawValue: s) { return e }
        let names = E.allCases.map(\.rawValue)
        throw error("unknown \(what) \"\(s)\"" + hint(s, names))
    }

    public func array() throws(SpecError) -> [JSONReader] {
        guard case let .array(items) = value else { throw typeError("an array") }
        return items.enumerated().map { JSONReader($1, path: path.appending($0), file: file) }
    }

    public func nonEmptyArray() throws(SpecError) -> [JSONReader] {
        let items = try array()
        if items.isEmpty { throw error("must not be empty") }
        return items
    }

    /// The members of an object whose keys must all be in `allowed`.
    public func object(allowed: [String]) throws(SpecError) -> ObjectReader {
        guard case let .object(members) = value else { throw typeError("an object") }
        for (key, _) in members where !allowed.contains(key) {
            throw SpecError(file: file, at: path.appending(key), message: "unknown key" + hint(key, allowed))
        }
        return ObjectReader(members: members, path: path, file: file)
    }
}

/// " (did you mean "x"?)" when one candidate is close, else "; expected one of a, b, c".
func hint(_ word: String, _ candidates: [String]) -> String {
    if let close = suggestion(for: word, among: candidates) { return " (did you mean \"\(close)\"?)" }
    return "; expected one of " + candidates.joined(separator: ", ")
}

public struct ObjectReader {
    let members: [(key: String, value: JSONValue)]
    public let path: JSONPath
    public let file: String

    public subscript(key: String) -> JSONReader? {
        members.first { $0.key == key }.map { JSONReader($0.value, path: path.appending(key), file: file) }
    }

    public func required(_ key: String) throws(SpecError) -> JSONReader {
        guard let r = self[key] else {
            throw SpecError(file: file, at: path, message: "missing required key \"\(key)\"")
        }
        return r
    }

    public func has(_ key: String) -> Bool { self[key] != nil }
}
