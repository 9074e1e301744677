/// One value per configuration over the first two grid axes: for classification the mean
/// validation accuracy (training accuracy without a validation set), else the mean of the
/// ranking metric: the figures of summary.md, by the same rule (`Summary.ConfigurationRow`:
/// over the completed seeds, the cell's label saying how many diverged). With more than
/// two axes, each cell shows the best configuration over the others, and the title says so.
public struct Heatmap: Sendable {
    public struct Cell: Sendable, Equatable {
        public var x: Int
        public var y: Int
        /// nil when no seed of the configuration completed.
        public var value: Double?
        public var label: String
    }
    public var xAxis: GridAxis
    public var yAxis: GridAxis
    public var cells: [Cell]
    public var accuracy: Bool
    /// The colour scale: the range of the finite values, widened around a single value so
    /// that one finite cell still gets a colour. nil when no cell has a value.
    public var range: (low: Double, high: Double)? {
        let values = cells.compactMap(\.value)
        guard let low = values.min(), let high = values.max() else { return nil }
        if low < high { return (low, high) }
        let pad = max(abs(low) * 0.1, 1e-12)
        return (low - pad, high + pad)
    }
    /// The labels of the axes each cell is the best over.
    public var bestOver: [String]

    /// nil with fewer than two grid axes.
    public init?(plan: SweepPlan, ranked: [Summary.ConfigurationRow], accuracy: Bool) {
        // A search's trials are points, not a grid: cells would mix them.
        guard plan.axes.count >= 2, plan.search == nil else { return nil }
        let sizes = plan.axes.map(\.values.count)
        func position(_ configuration: Int, axis k: Int) -> Int {
            configuration / sizes[(k + 1)...].reduce(1, *) % sizes[k]
        }
        yAxis = plan.axes[0]
        xAxis = plan.axes[1]
        self.accuracy = accuracy
        bestOver = plan.axes.dropFirst(2).map(\.label)
        var cells = [Cell]()
        // `ranked` is best first, so the first row found for a cell is its best.
        for row in ranked {
            let x = position(row.index, axis: 1), y = position(row.index, axis: 0)
            guard !cells.contains(where: { $0.x == x && $0.y == y }) else { continue }
            let value = accuracy ? row.meanAccuracy.map { $0 * 100 } : row.mean
            var label = value.map { accuracy ? String(format: "%.1f%%", $0) : Summary.format($0) }
                ?? (row.diverged > 0 ? "diverged" : row.failed > 0 ? "failed" : "—")
            if value != nil && row.troubled { label += " (\(row.notes))" }
            cells.append(Cell(x: x, y: y, value: value, label: label))
        }
        self.cells = cells.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
    }

    /// heatmap.csv: x, y, value, label (NaN where there is no value).
    public var csv: String {
        CSV.line(["x", "y", "value", "label"]) + cells.map {
            CSV.line([String($0.x), String($0.y), $0.value.map { CSV.number($0) } ?? "NaN", $0.label])
        }.joined()
    }

    public func script(experiment: String, seeds: Int, metric: String, figures: FigureOptions = .standard) -> String {
        let what = accuracy ? "mean validation accuracy (%)" : "mean \(metric)"
        var title = "\(experiment): \(what) over \(seeds) seed\(seeds == 1 ? "" : "s")"
        if !bestOver.isEmpty { title += "\nbest over " + bestOver.joined(separator: ", ") }
        return GnuplotScript.heatmap(title: title, value: what, xLabel: xAxis.path.description, xValues: xAxis.values.map(GridAxis.valueLabel),
                                     yLabel: yAxis.path.description, yValues: yAxis.values.map(GridAxis.valueLabel), lowerIsBetter: !accuracy, range: range, figures: figures)
    }
}
