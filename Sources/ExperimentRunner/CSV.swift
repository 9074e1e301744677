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
        guard let value else { return "" }
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }

    /// Parses CSV text into rows of fields (for reading logs back and for tests).
    public static func parse(_ text: String) -> [[String]] {
        var rows = [[String]](), row = [String](), field = "", inQuotes = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "\"" { inQuotes = true
            } else if c == "," { row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" { row.append(field); rows.append(row); row = []; field = ""
            } else if c != "\r" { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
