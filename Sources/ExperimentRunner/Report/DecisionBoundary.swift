import BackpropCore

/// For a 2-D classification dataset: the network's prediction over a grid covering the
/// training points (with a margin), and the points themselves, as CSVs for boundary.gp.
public enum DecisionBoundary {
    public static let resolution = 120

    /// boundary.csv (x, y, value: P(class 1) for one sigmoid output, else the predicted
    /// class) and points.csv (x, y, class).
    public static func csvs(network: Network<Double>, points: Dataset<Double>) -> (boundary: String, points: String)? {
        guard points.features == 2, let labels = points.labels, points.count > 0 else { return nil }
        let xs = (0..<points.count).map { points.inputs[$0, 0] }, ys = (0..<points.count).map { points.inputs[$0, 1] }
        func range(_ v: [Double]) -> (Double, Double) {
            let lo = v.min()!, hi = v.max()!, margin = max((hi - lo) * 0.1, 1e-3)
            return (lo - margin, hi + margin)
        }
        let (x0, x1) = range(xs), (y0, y1) = range(ys)
        let n = resolution
        var grid = Matrix<Double>(rows: n * n, columns: 2)
        for i in 0..<n {
            for j in 0..<n {
                grid[i * n + j, 0] = x0 + (x1 - x0) * Double(j) / Double(n - 1)
                grid[i * n + j, 1] = y0 + (y1 - y0) * Double(i) / Double(n - 1)
            }
        }
        let out = network.predict(grid)
        // Written as bytes, each grid coordinate formatted once (a column's x and a row's y
        // repeat n times each), and each class index once: the same text as CSV.line of
        // CSV.number gives (numbers never need quoting), at a fraction of the cost.
        let xText = (0..<n).map { Array(CSV.number(x0 + (x1 - x0) * Double($0) / Double(n - 1)).utf8) }
        let yText = (0..<n).map { Array(CSV.number(y0 + (y1 - y0) * Double($0) / Double(n - 1)).utf8) }
        let classText = (0..<max(out.columns, 2)).map { Array(CSV.number(Double($0)).utf8) }
        var bytes = Array("x,y,value\n".utf8)
        bytes.reserveCapacity(n * n * 48)
        for i in 0..<n {
            for j in 0..<n {
                let r = i * n + j
                bytes += xText[j]
                bytes.append(0x2C)
                bytes += yText[i]
                bytes.append(0x2C)
                if out.columns == 1 {
                    bytes += CSV.number(out[r, 0]).utf8
                } else {
                    var best = 0
                    for c in 1..<out.columns where out[r, c] > out[r, best] { best = c }
                    bytes += classText[best]
                }
                bytes.append(0x0A)
            }
            bytes.append(0x0A)  // a blank line between rows: gnuplot's grid format
        }
        let boundary = String(decoding: bytes, as: UTF8.self)
        var pointsCSV = CSV.line(["x", "y", "class"])
        for r in 0..<points.count { pointsCSV += CSV.line([CSV.number(xs[r]), CSV.number(ys[r]), String(labels[r])]) }
        return (boundary, pointsCSV)
    }
}
