/// The hypervolume of a set of points (every objective lower-better): the volume of the space
/// they dominate, bounded by a reference point worse than all of them; and the greedy
/// hypervolume subset selection that multi-objective TPE uses to break ties (Optuna 5.1's
/// `_solve_hssp`, after Guerreiro et al., "Greedy Hypervolume Subset Selection in Low
/// Dimensions", 2016).
public enum Hypervolume {
    /// Exact, by slicing along the last objective (HSO, "hypervolume by slicing objectives"):
    /// between consecutive values of it, the volume is the (d−1)-dimensional hypervolume of the
    /// points below the slice times its thickness. Points not better than the reference in
    /// every objective add nothing.
    public static func of(_ points: [[Double]], reference: [Double]) -> Double {
        let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }
        guard let d = reference.first.map({ _ in reference.count }), !inside.isEmpty else { return 0 }
        if d == 1 { return reference[0] - inside.map { $0[0] }.min()! }
        if d == 2 {
            // Sorted by the first objective, each point adds the rectangle below the best
            // second objective so far.
            var volume = 0.0, bestY = reference[1]
            for p in inside.sorted(by: { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }) where p[1] < bestY {
                volume += (reference[0] - p[0]) * (bestY - p[1])
                bestY = p[1]
            }
            return volume
        }
        let sorted = inside.sorted { $0[d - 1] < $1[d - 1] }
        let lower = Array(reference.dropLast())
        var volume = 0.0
        for (i, p) in sorted.enumerated() {
            let top = i + 1 < sorted.count ? sorted[i + 1][d - 1] : reference[d - 1]
            guard top > p[d - 1] else { continue }
            volume += of(sorted[...i].map { Array($0.dropLast()) }, reference: lower) * (top - p[d - 1])
        }
        return volume
    }

    /// Optuna's reference point for a set: each objective's worst value × 1.1 (× 0.9 when
    /// negative), and 1e-12 where that is 0.
    public static func reference(_ points: [[Double]]) -> [Double] {
        guard let first = points.first else { return [] }
        return first.indices.map { k in
            let worst = points.map { $0[k] }.max()!
            let r = max(1.1 * worst, 0.9 * worst)
            return r == 0 ? 1e-12 : r
        }
    }

    /// `count` of the points, chosen greedily: each time the one that adds the most
    /// hypervolume to those chosen (the first of equal ones, in lexicographic order of the
    /// points, as Optuna's numpy.unique orders them). Equal points are taken once before any
    /// is taken twice. Returns indices into `points`, in the order chosen.
    public static func greedySubset(_ points: [[Double]], count: Int, reference: [Double]) -> [Int] {
        guard count < points.count else { return Array(points.indices) }
        // numpy.unique(axis=0, return_index=True): the distinct points, lexicographically
        // sorted, each by its first occurrence.
        let order = points.indices.sorted { a, b in
            for (x, y) in zip(points[a], points[b]) where x != y { return x < y }
            return a < b
        }
        var unique = [Int]()
        for i in order where unique.last.map({ points[$0] != points[i] }) ?? true { unique.append(i) }
        if unique.count < count {
            // Every distinct point, then the earliest duplicates; in index order, as numpy's mask.
            let chosen = Set(unique)
            let duplicates = points.indices.filter { !chosen.contains($0) }.prefix(count - unique.count)
            return (chosen.union(duplicates)).sorted()
        }
        guard reference.allSatisfy(\.isFinite) else { return Array(unique.prefix(count)) }
        if unique.count == count { return unique }
        var candidates = unique, chosen = [Int](), chosenPoints = [[Double]](), volume = 0.0
        for _ in 0..<count {
            var best = 0, bestGain = -Double.infinity
            for (c, i) in candidates.enumerated() {
                let gain = of(chosenPoints + [points[i]], reference: reference) - volume
                if gain > bestGain { best = c; bestGain = gain }
            }
            let i = candidates.remove(at: best)
            chosen.append(i)
            chosenPoints.append(points[i])
            volume += bestGain
        }
        return chosen
    }
}
