/// The table "Configurations, best first" of a sweep's page, cell by cell: the page draws it
/// and `backprop serve`'s API sends it (the page served that way redraws its table from it), so
/// the two show the same text.
public struct RankedTable: Sendable {
    public struct Cell: Sendable, Equatable {
        public var text: String
        /// Left-aligned (text), rather than right-aligned (a number).
        public var left = false
        /// Shown as code (an id, a command).
        public var code = false
    }
    public struct Row: Sendable {
        public var cells: [Cell]
        /// A seed diverged or failed: the row is greyed.
        public var troubled: Bool
    }
    public var header: [Cell]
    /// The best `limit` configurations.
    public var rows: [Row]
    /// How many configurations are ranked in all (the table may show fewer).
    public var configurations: Int

    /// `directory` names the reproduce commands' config.json files.
    public init(results: [RunResult], ranked: [Summary.ConfigurationRow], metric: String, directory: ResultsDirectory, limit: Int) {
        let hasValidation = results.contains { $0.hasValidation }, hasAccuracy = results.contains { $0.hasAccuracy }
        let hasTest = results.contains { $0.test?.accuracy != nil }
        header = [Cell(text: "rank"), Cell(text: "configuration", left: true), Cell(text: "\(metric) (mean ± std)"), Cell(text: "n")]
        if hasAccuracy { header.append(Cell(text: "\(hasValidation ? "val" : "train")_accuracy (mean)")) }
        if hasTest { header.append(Cell(text: "test_accuracy (mean)")) }
        header += [Cell(text: "notes", left: true), Cell(text: "reproduce one run", left: true)]
        var firstOf = [Int: RunResult]()  // configuration -> its first run
        for r in results where firstOf[r.run.configurationIndex] == nil { firstOf[r.run.configurationIndex] = r }
        rows = ranked.prefix(limit).enumerated().map { i, row in
            var cells = [Cell(text: "\(i + 1)"), Cell(text: row.configurationID, left: true, code: true), Cell(text: row.meanText), Cell(text: "\(row.n)")]
            if hasAccuracy { cells.append(Cell(text: row.meanAccuracyText)) }
            if hasTest { cells.append(Cell(text: row.meanTestAccuracyText)) }
            cells.append(Cell(text: row.notes, left: true))
            if let run = firstOf[row.index] {
                cells.append(Cell(text: "backprop run " + Shell.quoted(directory.runPath(run.run.id) + "/config.json"), left: true, code: true))
            } else {
                cells.append(Cell(text: "", left: true))
            }
            return Row(cells: cells, troubled: row.troubled)
        }
        configurations = ranked.count
    }

    /// The table as the page has it: a header row, then one row per configuration in a
    /// `tbody` with the id the page's script redraws.
    public var html: String {
        let e = ReportPage.escape
        func cell(_ c: Cell, _ tag: String) -> String {
            let text = c.code && !c.text.isEmpty ? "<code>\(e(c.text))</code>" : e(c.text)
            return "<\(tag)\(c.left ? " class=\"left\"" : "")>\(text)</\(tag)>"
        }
        var out = "<table>\n<thead><tr>" + header.map { cell($0, "th") }.joined() + "</tr></thead>\n<tbody id=\"ranked\">\n"
        for row in rows { out += "<tr\(row.troubled ? " class=\"bad\"" : "")>" + row.cells.map { cell($0, "td") }.joined() + "</tr>\n" }
        return out + "</tbody>\n</table>\n"
    }

    public var json: JSONValue {
        func cell(_ c: Cell) -> JSONValue { .object([("text", .string(c.text)), ("left", .bool(c.left)), ("code", .bool(c.code))]) }
        return .object([
            ("header", .array(header.map(cell))),
            ("rows", .array(rows.map { .object([("cells", .array($0.cells.map(cell))), ("troubled", .bool($0.troubled))]) })),
            ("configurations", .number(configurations)),
        ])
    }
}
