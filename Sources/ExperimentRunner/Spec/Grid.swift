/// One swept field: a path into the spec and the values it takes.
public struct GridAxis: Sendable, Equatable {
    public var path: JSONPath
    public var values: [JSONValue]
    /// The short name used in run ids and legends, e.g. "lr" for optimizer.learning_rate.
    public var label: String

    /// Parses "model.layers[0].units" into a path.
    public static func parsePath(_ text: String) -> JSONPath? {
        var components = [JSONPath.Component]()
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]), i >= 0 else { return nil }
                components.append(.index(i))
                rest = rest[rest.index(after: close)...]
                if rest.first == "." { rest = rest.dropFirst(); if rest.isEmpty { return nil } }
            } else {
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = rest[..<end]
                guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
                components.append(.key(String(key)))
                rest = rest[end...]
                if rest.first == "." { rest = rest.dropFirst(); if rest.isEmpty { return nil } }
            }
        }
        guard case .key = components.first else { return nil }
        return JSONPath(components)
    }

    static let abbreviations = ["learning_rate": "lr", "batch_size": "batch", "activation": "act"]

    /// Short, unique labels: the last key (abbreviated), lengthened to the shortest unique
    /// suffix of the path where two axes would otherwise share one.
    static func labels(for paths: [JSONPath]) -> [String] {
        func label(_ path: JSONPath, suffix: Int) -> String {
            let parts = path.components.suffix(suffix).map { c -> String in
                switch c {
                case let .key(k): return abbreviations[k] ?? k
                case let .index(i): return String(i)
                }
            }
            return parts.joined(separator: ".")
        }
        var lengths = paths.map { p -> Int in
            if case .key = p.components.last { return 1 }
            return 2
        }
        while true {
            let labels = zip(paths, lengths).map { label($0, suffix: $1) }
            let clashing = labels.indices.filter { i in labels.indices.contains { j in j != i && labels[j] == labels[i] } }
            let extendable = clashing.filter { lengths[$0] < paths[$0].components.count }
            if extendable.isEmpty { return labels }
            for i in extendable { lengths[i] += 1 }
        }
    }

    /// A value as it appears in a run id: numbers as written, strings as they are, and
    /// arrays and objects flattened to their leaf values ("8-tanh_1-sigmoid" for a layer
    /// list). Anything unsafe in a file name becomes '_'.
    static func valueLabel(_ value: JSONValue) -> String {
        func flat(_ v: JSONValue) -> String {
            switch v {
            case .null: return "null"
            case let .bool(b): return b ? "true" : "false"
            case let .number(n): return n
            case let .string(s): return s
            case let .array(items): return items.map(flat).joined(separator: "_")
            case let .object(members): return members.map { flat($0.value) }.joined(separator: "-")
            }
        }
        let text = flat(value)
        // ASCII without CR (so one byte is one Character): byte by byte, which `plan` of
        // 100,000 runs needs (this is called for every run's name); else by Character.
        if !text.utf8.contains(where: { $0 >= 0x80 || $0 == 0x0D }) {
            func allowed(_ b: UInt8) -> Bool {
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2B || b == 0x2D
            }
            return String(decoding: text.utf8.prefix(64).map { allowed($0) ? $0 : 0x5F }, as: UTF8.self)
        }
        let safe = text.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || "._+-".contains(c)) ? c : "_"
        }
        return String(safe.prefix(64))
    }
}

extension JSONValue {
    /// The value with the field at `path` replaced. Every step but the last must exist;
    /// the last may add a key to an object (the spec check then rejects unknown ones).
    func setting(_ path: ArraySlice<JSONPath.Component>, to newValue: JSONValue, at done: JSONPath = JSONPath()) throws(PathError) -> JSONValue {
        guard let head = path.first else { return newValue }
        let rest = path.dropFirst()
        switch (head, self) {
        case let (.key(k), .object(members)):
            var members = members
            if let i = members.firstIndex(where: { $0.key == k }) {
                members[i].value = try members[i].value.setting(rest, to: newValue, at: done.appending(k))
            } else if rest.isEmpty {
                members.append((k, newValue))
            } else {
                throw PathError(path: done.appending(k), message: "does not exist in the spec")
            }
            return .object(members)
        case let (.index(i), .array(items)):
            guard i < items.count else {
                throw PathError(path: done.appending(i), message: "index \(i) is out of range: the array has \(items.count) element\(items.count == 1 ? "" : "s")")
            }
            var items = items
            items[i] = try items[i].setting(rest, to: newValue, at: done.appending(i))
            return .array(items)
        case (.key, _):
            throw PathError(path: done, message: "is \(kindName), not an object")
        case (.index, _):
            throw PathError(path: done, message: "is \(kindName), not an array")
        }
    }

    struct PathError: Error {
        var path: JSONPath
        var message: String
    }
}
