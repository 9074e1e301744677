import ExperimentRunner
import Testing

@Suite struct JSONParserTests {
    @Test func keepsKeyOrderAndNumberText() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": [0.10, 18446744073709551615, -2e-3], "c": {"z": null, "y": true}}"#)
        guard case let .object(members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "c"])
        #expect(v["a"] == .array([.number("0.10"), .number("18446744073709551615"), .number("-2e-3")]))
        #expect(v.serialized(indent: nil) == #"{"b":1,"a":[0.10,18446744073709551615,-2e-3],"c":{"z":null,"y":true}}"#)
    }

    @Test func roundTripsThroughPrettyPrinting() throws {
        let text = #"{"s": "quote \" slash \\ tab \t é 🎉", "m": [[1, 2], [3, 4]], "e": [], "o": {}}"#
        let v = try JSONParser.parse(text)
        #expect(try JSONParser.parse(v.serialized()) == v)
        #expect(v["s"] == .string("quote \" slash \\ tab \t é 🎉"))
    }

    @Test(arguments: [
        ("{\"a\": 1,\n  \"b\": }", 2, 8, "expected a value"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\""),
        ("[1, 2", 1, 6, "expected ',' or ']'"),
        ("{\"a\": 01}", 1, 8, "expected ',' or '}'"),
        ("{\"a\": 1} x", 1, 10, "unexpected text after"),
        ("\"abc", 1, 5, "unterminated string"),
        ("[1.]", 1, 4, "digits expected after '.'"),
    ])
    func syntaxErrorsSayWhere(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let e = error as? JSONParser.SyntaxError else { return false }
            return e.line == line && e.column == column && e.message.contains(message)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse(deep) }
    }

    @Test func invalidUTF8IsAnError() {
        let bytes: [UInt8] = Array("{\"name\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect { _ = try JSONParser.parse(bytes) } throws: { ($0 as? JSONParser.SyntaxError)?.message.contains("UTF-8") == true }
    }
}
