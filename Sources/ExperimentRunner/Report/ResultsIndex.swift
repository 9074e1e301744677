import Foundation

/// `backprop report results/`: results/index.html, a static page (no script) with one row
/// per sweep in the folder: its best configuration by its own ranking metric, that metric,
/// the runs complete, when it last ran, and a link to the sweep's own page. Sweeps that
/// cannot be read are listed with the reason, never dropped.
public enum ResultsIndex {
    public struct Entry: Sendable {
        public var name: String
        public var description: String?
        /// The last time a process wrote it (provenance.json's last session end, else spec.json's time).
        public var date: String
        public var runs: Int
        public var complete: Int
        public var metric: String
        public var best: Summary.ConfigurationRow?
        /// Why the sweep could not be read.
        public var problem: String?
    }

    /// Every sweep under `root` (a folder holding spec.json), newest first.
    public static func entries(root: String) -> [Entry] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
            FileManager.default.fileExists(atPath: "\(root)/\($0)/spec.json")
        }
        return names.map { entry(root + "/" + $0, name: $0) }.sorted { ($0.date, $1.name) > ($1.date, $0.name) }
    }

    static func entry(_ folder: String, name: String) -> Entry {
        let date = lastSession(folder) ?? modified(folder + "/spec.json")
        do {
            let status = try SweepStatus(folder: folder)
            return Entry(name: name, description: status.description, date: date, runs: status.progress.total,
                         complete: status.progress.completed, metric: status.metric, best: status.ranked.first(where: { $0.n > 0 }), problem: nil)
        } catch {
            return Entry(name: name, description: nil, date: date, runs: 0, complete: 0, metric: "", best: nil, problem: "\(error)")
        }
    }

    /// The end (else start) of the last session provenance.json records.
    static func lastSession(_ folder: String) -> String? {
        guard let bytes = try? readFile(folder + "/provenance.json"), let json = try? JSONParser.parse(bytes),
              case let .array(sessions)? = json["sessions"], let last = sessions.last else { return nil }
        if case let .string(s)? = last["ended"] { return s }
        if case let .string(s)? = last["started"] { return s }
        return nil
    }

    static func modified(_ file: String) -> String {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date else { return "" }
        return Provenance.timestamp(date)
    }

    public static func html(_ entries: [Entry]) -> String {
        let e = ReportPage.escape
        var out = ReportPage.head(title: "backprop results") + """
            <h1>backprop results</h1>

            """
        out += "<p class=\"meta\">\(entries.count) sweep\(entries.count == 1 ? "" : "s"), newest first. Each is ranked by its own metric (its spec's objective); "
        out += "a sweep's page has its plots and every configuration.</p>\n"
        out += "<table>\n<tr><th class=\"left\">sweep</th><th class=\"left\">best configuration</th><th class=\"left\">metric</th><th>mean ± std</th><th>n</th>"
        out += "<th>accuracy (mean)</th><th>runs complete</th><th class=\"left\">last run</th></tr>\n"
        for entry in entries {
            let link = "<a href=\"\(ReportPage.link(entry.name + "/index.html"))\">\(e(entry.name))</a>"
            let about = entry.description.map { "<br/><span class=\"meta\">\(e($0))</span>" } ?? ""
            if let problem = entry.problem {
                out += "<tr><td class=\"left\">\(link)\(about)</td><td class=\"left\" colspan=\"6\">cannot be read: \(e(problem))</td><td class=\"left\">\(e(entry.date))</td></tr>\n"
                continue
            }
            let best = entry.best
            out += "<tr><td class=\"left\">\(link)\(about)</td><td class=\"left\">\(best.map { "<code>\(e($0.configurationID))</code>" } ?? "none complete")</td>"
            out += "<td class=\"left\">\(e(entry.metric))</td><td>\(best?.meanText ?? "—")</td><td>\(best?.n ?? 0)</td>"
            out += "<td>\(best?.meanAccuracyText ?? "—")</td><td>\(entry.complete) of \(entry.runs)</td><td class=\"left\">\(e(entry.date))</td></tr>\n"
        }
        return out + "</table>\n</body>\n</html>\n"
    }

    /// Writes root/index.html; returns the sweeps it lists.
    @discardableResult
    public static func write(root: String) throws -> [Entry] {
        let list = entries(root: root)
        try ResultsDirectory.writeAtomically(html(list), to: root + "/index.html", userFolder: true)
        return list
    }
}
