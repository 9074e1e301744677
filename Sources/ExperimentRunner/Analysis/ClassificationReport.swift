/// How well a classifier did on labelled rows: the confusion matrix, per-class precision,
/// recall and F1 with their macro and weighted averages (as scikit-learn's
/// `classification_report` defines them: a class never predicted has precision 0), and for
/// two classes the ROC AUC of the positive class's probability.
public struct ClassificationReport: Sendable, Equatable {
    public let classes: [String]
    /// confusion[t][p]: rows whose true class is t and predicted class is p.
    public let confusion: [[Int]]
    public let precision: [Double]
    public let recall: [Double]
    public let f1: [Double]
    /// Rows of each true class.
    public let support: [Int]
    public let rocAUC: Double?

    /// - Parameter positiveScores: for two classes, each row's probability of class 1.
    public init(classes: [String], truth: [Int], predicted: [Int], positiveScores: [Double]? = nil) {
        let k = classes.count
        var confusion = Array(repeating: Array(repeating: 0, count: k), count: k)
        for (t, p) in zip(truth, predicted) { confusion[t][p] += 1 }
        self.classes = classes
        self.confusion = confusion
        support = confusion.map { $0.reduce(0, +) }
        let predictedCount = (0..<k).map { p in confusion.reduce(0) { $0 + $1[p] } }
        precision = (0..<k).map { predictedCount[$0] == 0 ? 0 : Double(confusion[$0][$0]) / Double(predictedCount[$0]) }
        recall = (0..<k).map { [support] in support[$0] == 0 ? 0 : Double(confusion[$0][$0]) / Double(support[$0]) }
        f1 = zip(precision, recall).map { p, r in p + r == 0 ? 0 : 2 * p * r / (p + r) }
        if k == 2, let scores = positiveScores { rocAUC = Self.rocAUC(scores: scores, positive: truth.map { $0 == 1 }) } else { rocAUC = nil }
    }

    public var accuracy: Double {
        let total = support.reduce(0, +)
        return total == 0 ? 0 : Double((0..<classes.count).reduce(0) { $0 + confusion[$1][$1] }) / Double(total)
    }

    /// The unweighted mean over classes.
    public func macro(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

    /// The mean over classes weighted by their support.
    public func weighted(_ values: [Double]) -> Double {
        let total = support.reduce(0, +)
        return total == 0 ? 0 : zip(values, support).reduce(0) { $0 + $1.0 * Double($1.1) } / Double(total)
    }

    /// The probability that a random positive row scores above a random negative one (ties
    /// count one half): the Mann-Whitney U over the ranks, ties given their mean rank. nil
    /// without both kinds of rows.
    public static func rocAUC(scores: [Double], positive: [Bool]) -> Double? {
        let positives = positive.filter { $0 }.count, negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let meanRank = Double(i + j) / 2 + 1
            for m in i...j where positive[order[m]] { rankSum += meanRank }
            i = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// The report as Markdown tables.
    public var markdown: String {
        func pct(_ x: Double) -> String { Summary.format(x) }
        var out = "Confusion matrix (rows: true class, columns: predicted):\n\n"
        out += "| true \\ predicted | " + classes.map { "`\($0)`" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---:|", count: classes.count) + "\n"
        for (t, row) in confusion.enumerated() { out += "| `\(classes[t])` | " + row.map(String.init).joined(separator: " | ") + " |\n" }
        out += "\n| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n"
        for c in classes.indices { out += "| `\(classes[c])` | \(pct(precision[c])) | \(pct(recall[c])) | \(pct(f1[c])) | \(support[c]) |\n" }
        let total = support.reduce(0, +)
        out += "| macro average | \(pct(macro(precision))) | \(pct(macro(recall))) | \(pct(macro(f1))) | \(total) |\n"
        out += "| weighted average | \(pct(weighted(precision))) | \(pct(weighted(recall))) | \(pct(weighted(f1))) | \(total) |\n"
        if let rocAUC { out += "\nROC AUC (`\(classes[1])` as the positive class): \(pct(rocAUC))\n" }
        return out
    }

    /// classes.csv: one row per class, then the two averages.
    public var csv: String {
        var out = CSV.line(["class", "precision", "recall", "f1", "support"])
        for c in classes.indices { out += CSV.line([classes[c], CSV.number(precision[c]), CSV.number(recall[c]), CSV.number(f1[c]), String(support[c])]) }
        let total = String(support.reduce(0, +))
        out += CSV.line(["macro avg", CSV.number(macro(precision)), CSV.number(macro(recall)), CSV.number(macro(f1)), total])
        out += CSV.line(["weighted avg", CSV.number(weighted(precision)), CSV.number(weighted(recall)), CSV.number(weighted(f1)), total])
        return out
    }
}
