/// How a sweep draws its figures, from the spec's `"report"` section: which files each figure
/// is written as (`formats`, any of png, svg and pdf; all three by default) and the printed
/// width of the PDF (`width`: "full", 7 in, the text width of a page, the default; "column",
/// 3.5 in, one column of a two-column paper; or a number of inches from 2 to 12). PNG and SVG
/// stay sized for a screen (1000×600).
///
/// The PDF's type is 8 pt at any width from 5 in, 7 pt below, so that it reads as the
/// paper's own small type wherever the figure is placed at its size. Below 5 in there is no
/// room for a title and a key beside the plot: the title goes (a paper's caption says it, as
/// the page's does) and the key moves above the plot, in its place.
public struct FigureOptions: Sendable, Equatable {
    public enum Format: String, CaseIterable, Sendable { case png, svg, pdf }

    /// In the order png, svg, pdf; never empty.
    public var formats: [Format]
    /// The PDF's width in inches.
    public var width: Double

    public static let standard = FigureOptions(formats: Format.allCases, width: 7)
    public static let widths: [(name: String, inches: Double)] = [("full", 7), ("column", 3.5)]

    public init(formats: [Format], width: Double) {
        self.formats = Format.allCases.filter(formats.contains)
        self.width = width
    }

    /// Below this width (in inches) the title goes and the key moves under the plot.
    static let narrowBelow = 5.0
    var narrow: Bool { width < Self.narrowBelow }
    /// 3:5 at full width; taller when narrow, for the key above the plot.
    var height: Double { narrow ? width * 0.85 : width * 0.6 }
    var fontPoints: Int { narrow ? 7 : 8 }

    /// The spec's `report.formats` and `report.width`, from `report` (an object already checked
    /// for its keys).
    init(formats: JSONReader?, width: JSONReader?) throws(SpecError) {
        self = .standard
        if let f = formats {
            var chosen = [Format]()
            let items = try f.array()
            guard !items.isEmpty else { throw f.error("formats is a list of png, svg and pdf, at least one") }
            for item in items {
                let format = try item.choice(Format.self, what: "figure format")
                guard !chosen.contains(format) else { throw item.error("\"\(format.rawValue)\" is listed twice") }
                chosen.append(format)
            }
            self.formats = Format.allCases.filter(chosen.contains)
        }
        if let w = width {
            if case let .string(name) = w.value {
                guard let named = Self.widths.first(where: { $0.name == name }) else {
                    throw w.error("width is \"full\" (7 in), \"column\" (3.5 in) or a number of inches from 2 to 12, not \"\(name)\"")
                }
                self.width = named.inches
            } else {
                let inches = try w.double()
                guard (2...12).contains(inches) else { throw w.error("width is a number of inches from 2 to 12 (or \"full\", \"column\"), not \(inches)") }
                self.width = inches
            }
        }
    }

    /// The inches as gnuplot takes them ("3.5in").
    static func inches(_ v: Double) -> String { Summary.format(v) + "in" }
}
