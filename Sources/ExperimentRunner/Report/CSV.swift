import BackpropCore
import BackpropData
import Foundation

/// RFC 4180 CSV: comma-separated, CRLF-free (LF line ends, which every reader accepts),
/// fields quoted when they hold a comma, quote or line break, quotes doubled inside.
public enum CSV {
    public static func field(_ text: String) -> String {
        // Scanned as UTF-8 bytes: the delimiters are ASCII, and Character comparison is slow.
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

    /// Numbers at full round-trip precision: the shortest text that reads back exactly.
    /// Missing values are empty fields; NaN and infinities are written as nan, inf, -inf.
    public static func number(_ value: Double?) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    /// `number(value)` appended to `out`, without a String of its own (metrics.csv writes
    /// several per epoch).
    @inline(__always)
    public static func append(_ value: Double?, to out: inout String) {
        guard let value else { return }
        if value.isNaN { out += "nan" } else if value.isInfinite { out += value > 0 ? "inf" : "-inf" } else { value.write(to: &out) }
    }

    /// Parses CSV text into rows of fields (for reading logs back and for tests), with the
    /// same reader datasets use; empty when the text is not well-formed CSV.
    public static func parse(_ text: String) -> [[String]] {
        ((try? CSVReader.records(Array(text.utf8), file: "")) ?? []).map { $0.map(\.text) }
    }
}
