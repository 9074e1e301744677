/// RFC 4180 CSV, read into fields that remember where they started (line and column, both
/// 1-based), so that a bad value can be reported as file:line:column.
///
/// Fields are separated by commas and records by LF, CRLF or a lone CR (old Mac files). A field in double quotes may
/// hold commas, quotes (doubled) and line breaks. Blank lines are skipped. A UTF-8 byte
/// order mark at the start is ignored. Every field must be UTF-8 (a field that is not is an
/// error at its line and column).
public enum CSVReader {
    public struct Field: Equatable, Sendable {
        public var text: String
        public var line: Int
        public var column: Int
    }

    /// The records of `bytes`. Throws on a quote that never closes or stray text after a
    /// closing quote.
    public static func records(_ bytes: [UInt8], file: String) throws(DataError) -> [[Field]] {
        var records = [[Field]](), record = [Field]()
        var field = [UInt8](), line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1, quoted = false, wasQuoted = false
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func endField() throws(DataError) {
            // Bytes that are not UTF-8 are refused, not replaced: two labels that differ only
            // there would otherwise become one class.
            guard let text = String(validating: field, as: UTF8.self) else {
                throw DataError(file: file, line: fieldLine, column: fieldColumn, message: "the field is not UTF-8 text; save the file as UTF-8")
            }
            record.append(Field(text: text, line: fieldLine, column: fieldColumn))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() throws(DataError) {
            try endField()
            // A record that is one empty, unquoted field is a blank line.
            if !(record.count == 1 && record[0].text.isEmpty) { records.append(record) }
            record = []
        }
        while i < bytes.count {
            let c = bytes[i]
            if field.isEmpty && !quoted && !wasQuoted { fieldLine = line; fieldColumn = column }
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c); i += 2; column += 2; continue
                    }
                    quoted = false; wasQuoted = true
                } else {
                    field.append(c)
                    if c == UInt8(ascii: "\n") { line += 1; column = 0 }
                }
            } else if c == UInt8(ascii: "\"") && field.isEmpty && !wasQuoted {
                quoted = true
            } else if c == UInt8(ascii: ",") {
                try endField()
            } else if c == UInt8(ascii: "\n") {
                try endRecord(); line += 1; column = 0
            } else if c == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") {
                // CR of CRLF: the LF ends the record.
            } else if c == UInt8(ascii: "\r") {
                try endRecord(); line += 1; column = 0
            } else if wasQuoted {
                throw DataError(file: file, line: line, column: column, message: "text after a closing quote")
            } else {
                field.append(c)
            }
            i += 1; column += 1
        }
        if quoted { throw DataError(file: file, line: fieldLine, column: fieldColumn, message: "a quoted field never closes") }
        if !field.isEmpty || !record.isEmpty || wasQuoted { try endRecord() }
        return records
    }
}
