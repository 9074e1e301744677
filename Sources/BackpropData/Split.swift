import BackpropCore

/// The validation and test splits: seeded, stratified for classification.
extension Dataset {
    /// Holds out a test fraction, then a validation fraction, of all the rows: the test rows
    /// first (the `testSplit` stream of `seed`), then validation from the rest exactly as
    /// `split(validationFraction:seed:)` does, so that a spec without a test split keeps its
    /// validation rows. Each set keeps the original row order.
    public func split(validationFraction: Double, testFraction: Double, seed: UInt64) -> (training: Dataset, validation: Dataset?, test: Dataset?) {
        guard testFraction > 0 else {
            let (training, validation) = split(validationFraction: validationFraction, seed: seed)
            return (training, validation, nil)
        }
        let (rest, test) = Self.splitIndices(count: count, labels: labels, fraction: testFraction, seed: seed, stream: .testSplit)
        guard !test.isEmpty else {
            let (training, validation) = split(validationFraction: validationFraction, seed: seed)
            return (training, validation, nil)
        }
        let (training, validation) = subset(rest).split(validationFraction: validationFraction / (1 - testFraction), seed: seed)
        return (training, validation, subset(test))
    }

    /// Holds out a seeded random `fraction` of the rows; see `splitIndices`. Returns
    /// (training, validation), each in the original row order; validation is nil when the
    /// fraction is 0.
    public func split(validationFraction fraction: Double, seed: UInt64) -> (training: Dataset, validation: Dataset?) {
        let (training, validation) = Self.splitIndices(count: count, labels: labels, fraction: fraction, seed: seed)
        guard !validation.isEmpty else { return (self, nil) }
        return (subset(training), subset(validation))
    }

    /// Which rows are held out for validation: round(fraction · count) of them, at least one
    /// on each side when there are two rows or more, drawn by a seeded shuffle (the `split`
    /// stream of `seed`).
    ///
    /// With labels the split is stratified: each class gives round(fraction · its count)
    /// rows, by largest remainder so that the total is still round(fraction · count), and
    /// every class keeps at least one row in training, so that no class is seen only in
    /// validation. Both index lists are sorted.
    public static func splitIndices(count: Int, labels: [Int]?, fraction: Double, seed: UInt64,
                                    stream: RandomStream = .split) -> (training: [Int], validation: [Int]) {
        guard fraction > 0, count > 1 else { return (Array(0..<count), []) }
        var order = Array(0..<count)
        var rng = Xoshiro256StarStar(seed: seed, stream: stream)
        rng.shuffle(&order)
        let held = min(max(Int((fraction * Double(count)).rounded()), 1), count - 1)
        var validation: [Int]
        if let labels {
            var byClass = [Int: [Int]]()
            for i in order { byClass[labels[i], default: []].append(i) }
            let classes = byClass.keys.sorted()
            let exact = classes.map { fraction * Double(byClass[$0]!.count) }
            let cap = classes.map { byClass[$0]!.count - 1 }
            var quota = classes.indices.map { min(Int(exact[$0].rounded(.down)), cap[$0]) }
            // Largest remainders first (ties to the lower class), within each class's cap.
            let byRemainder = classes.indices.sorted { a, b in
                let ra = exact[a] - Double(quota[a]), rb = exact[b] - Double(quota[b])
                return ra != rb ? ra > rb : a < b
            }
            var missing = held - quota.reduce(0, +)
            for c in byRemainder where missing > 0 && quota[c] < cap[c] { quota[c] += 1; missing -= 1 }
            validation = classes.indices.flatMap { byClass[classes[$0]]!.prefix(quota[$0]) }
        } else {
            validation = Array(order[..<held])
        }
        validation.sort()
        var isHeld = [Bool](repeating: false, count: count)
        for i in validation { isHeld[i] = true }
        return ((0..<count).filter { !isHeld[$0] }, validation)
    }
}
