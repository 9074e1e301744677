import BackpropCore

/// A dataset from a CSV file with a header row: numeric feature columns and one target
/// column, which holds class labels (strings or integers) or, for regression, numbers.
public struct CSVDataset: Sendable {
    public enum Target: Sendable, Equatable {
        /// Each row's class index into `names`; classes are sorted (integers numerically).
        case classes(labels: [Int], names: [String])
        case values([Double])
    }
    public var inputs: Matrix<Double>
    public var featureNames: [String]
    /// nil only when the target was optional and the file has no such column.
    public var target: Target?

    /// - Parameters:
    ///   - features: the feature columns, in order; nil takes every column but the target.
    ///   - classification: read the target as class labels; otherwise as numbers.
    ///   - targetOptional: a file without the target column is read for its features alone
    ///     (`backprop predict`).
    public init(path: String, target: String, features: [String]?, classification: Bool, targetOptional: Bool = false) throws(DataError) {
        let records = try CSVReader.records(try GzipFile.contents(of: path), file: path)
        guard let header = records.first else { throw DataError(file: path, message: "is empty: a header row and data rows are needed") }
        guard records.count > 1 else { throw DataError(file: path, message: "has a header but no data rows") }
        let names = header.map(\.text)
        var columnOf = [String: Int]()
        for field in header {
            if columnOf[field.text] != nil {
                throw DataError(file: path, line: field.line, column: field.column, message: "column \(DataError.quoted(field.text)) appears twice in the header")
            }
            columnOf[field.text] = columnOf.count
        }
        func column(_ name: String, role: String) throws(DataError) -> Int {
            guard let c = columnOf[name] else {
                let listed = names.prefix(20).map(DataError.quoted).joined(separator: ", ") + (names.count > 20 ? " and \(names.count - 20) more" : "")
                throw DataError(file: path, message: "no \(role) column \(DataError.quoted(name)); the columns are \(listed)")
            }
            return c
        }
        let targetColumn = targetOptional && columnOf[target] == nil ? nil : try column(target, role: "target")
        var featureColumns = [Int]()
        for name in features ?? names.filter({ $0 != target }) {
            let c = try column(name, role: "feature")
            guard !featureColumns.contains(c) else { throw DataError(file: path, message: "the feature \(DataError.quoted(name)) is named twice") }
            guard c != targetColumn else { throw DataError(file: path, message: "\"\(name)\" is the target; it cannot also be a feature") }
            featureColumns.append(c)
        }
        guard !featureColumns.isEmpty else { throw DataError(file: path, message: "no feature columns besides the target \"\(target)\"") }

        let rows = records.dropFirst()
        var inputs = Matrix<Double>(rows: rows.count, columns: featureColumns.count)
        var targetTexts = [String](), values = [Double]()
        for (r, record) in rows.enumerated() {
            guard record.count == header.count else {
                throw DataError(file: path, line: record[0].line, column: 1,
                                message: "\(record.count) field\(record.count == 1 ? "" : "s") where the header has \(header.count)")
            }
            for (j, c) in featureColumns.enumerated() { inputs[r, j] = try Self.number(record[c], column: names[c], file: path) }
            guard let targetColumn else { continue }
            let t = record[targetColumn]
            if classification {
                guard !t.text.isEmpty else { throw DataError(file: path, line: t.line, column: t.column, message: "the target \(DataError.quoted(target)) is missing") }
                targetTexts.append(t.text)
            } else {
                values.append(try Self.number(t, column: target, file: path))
            }
        }
        self.inputs = inputs
        featureNames = featureColumns.map { names[$0] }
        if targetColumn == nil {
            self.target = nil
        } else if classification {
            let distinct = Set(targetTexts)
            // A file to evaluate a model on may hold one class (the model knows the others).
            guard distinct.count >= 2 || targetOptional else {
                throw DataError(file: path, message: "the target \(DataError.quoted(target)) holds one class (\(DataError.quoted(targetTexts[0]))) in \(targetTexts.count) row\(targetTexts.count == 1 ? "" : "s"): classification needs at least two")
            }
            let integers = distinct.compactMap { Int($0) }
            let sorted = integers.count == distinct.count ? Set(integers).sorted().map(String.init) : distinct.sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            // Integer labels are matched by value, so "01" and "1" are one class.
            self.target = .classes(labels: targetTexts.map { index[Int($0).map(String.init) ?? $0]! }, names: sorted)
        } else {
            self.target = .values(values)
        }
    }

    static func number(_ field: CSVReader.Field, column: String, file: String) throws(DataError) -> Double {
        let text = field.text.trimmingSpaces
        guard !text.isEmpty else {
            throw DataError(file: file, line: field.line, column: field.column, message: "\(DataError.quoted(column)) is missing")
        }
        guard DecimalNumber.isDecimal(text.utf8), let v = Double(text) else {
            let lower = text.lowercased()
            if ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"].contains(lower) {
                throw DataError(file: file, line: field.line, column: field.column, message: "\(DataError.quoted(column)) is \(DataError.quoted(field.text)); values must be finite")
            }
            throw DataError(file: file, line: field.line, column: field.column, message: "\(DataError.quoted(column)) is \(DataError.quoted(field.text)), not a number")
        }
        guard v.isFinite else {
            throw DataError(file: file, line: field.line, column: field.column, message: "\(DataError.quoted(column)) is \(DataError.quoted(field.text)); values must be finite")
        }
        return v
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (`1.5 ` reads as 1.5).
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
