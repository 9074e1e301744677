/// Pareto dominance among trials with several objectives, every objective lower-better
/// (a maximised one negated): a dominates b when a is no worse in every objective and better
/// in one. Equal points do not dominate each other.
public enum ParetoFront {
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for (x, y) in zip(a, b) {
            if x > y { return false }
            if x < y { better = true }
        }
        return better
    }

    /// Each point's non-domination rank (NSGA-II's fast non-dominated sort, as Optuna's
    /// `_fast_non_domination_rank`): 0 for the front, 1 for the front of what remains, and so on.
    /// The points are sorted lexicographically first, so that a point can only be dominated by
    /// one before it: each front is found by looking back over the points still unranked.
    public static func ranks(_ points: [[Double]]) -> [Int] {
        var remaining = points.indices.sorted { a, b in
            for (x, y) in zip(points[a], points[b]) where x != y { return x < y }
            return a < b
        }
        var rank = [Int](repeating: 0, count: points.count), current = 0
        while !remaining.isEmpty {
            var front = [Int](), rest = [Int]()
            for i in remaining {
                // Only a point on this front can dominate i among those before it: a dominated
                // one has a dominator on the front before it too (dominance is transitive).
                if front.contains(where: { dominates(points[$0], points[i]) }) { rest.append(i) } else { front.append(i) }
            }
            for i in front { rank[i] = current }
            current += 1
            remaining = rest
        }
        return rank
    }

    /// The indices of the non-dominated points, in their order.
    public static func front(_ points: [[Double]]) -> [Int] {
        let r = ranks(points)
        return points.indices.filter { r[$0] == 0 }
    }
}
