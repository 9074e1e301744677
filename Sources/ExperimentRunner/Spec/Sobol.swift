/// Sobol's low-discrepancy sequence in up to 21 dimensions, 32 bits per coordinate, in
/// Antonov and Saleev's Gray-code order: point n+1 is point n with one direction number per
/// dimension XORed in. The direction numbers are Joe and Kuo's (new-joe-kuo-6.21201,
/// https://web.maths.unsw.edu.au/~fkuo/sobol/), the ones SciPy's `qmc.Sobol` uses, so the
/// points equal SciPy's unscrambled ones.
public struct Sobol {
    public static let maximumDimensions = 21

    /// Dimensions 2 to 21: the degree s of the primitive polynomial, its coefficients a, and
    /// the initial direction numbers m.
    static let parameters: [(s: Int, a: UInt32, m: [UInt32])] = [
        (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]),
        (4, 4, [1, 3, 5, 13]), (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]),
        (5, 11, [1, 1, 5, 1, 1]), (5, 13, [1, 1, 1, 3, 11]), (5, 14, [1, 3, 5, 5, 31]), (6, 1, [1, 3, 3, 9, 7, 49]),
        (6, 13, [1, 1, 1, 15, 21, 21]), (6, 16, [1, 3, 1, 13, 27, 49]), (6, 19, [1, 1, 1, 15, 7, 5]),
        (6, 22, [1, 3, 1, 15, 13, 25]), (6, 25, [1, 1, 5, 5, 19, 61]), (7, 1, [1, 3, 7, 11, 23, 15, 103]),
        (7, 4, [1, 3, 7, 13, 13, 15, 69]),
    ]

    private var directions: [[UInt32]]
    private var point: [UInt32]
    private var index: UInt32 = 0

    public init(dimensions: Int) {
        precondition((1...Self.maximumDimensions).contains(dimensions))
        directions = [(0..<32).map { UInt32(1) << (31 - $0) }]
        for (s, a, m) in Self.parameters.prefix(dimensions - 1) {
            var v = [UInt32](repeating: 0, count: 32)
            for k in 0..<s { v[k] = m[k] << (31 - k) }
            for k in s..<32 {
                v[k] = v[k - s] ^ (v[k - s] >> s)
                for l in 1..<s where (a >> (s - 1 - l)) & 1 == 1 { v[k] ^= v[k - l] }
            }
            directions.append(v)
        }
        point = [UInt32](repeating: 0, count: dimensions)
    }

    /// The next point, each coordinate x/2^32; the first is all zeros.
    public mutating func next() -> [UInt32] {
        let out = point
        let c = (~index).trailingZeroBitCount
        for d in point.indices { point[d] ^= directions[d][c] }
        index &+= 1
        return out
    }
}
