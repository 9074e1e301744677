import Foundation

/// The normal distribution truncated to [a, b] (in standard units), as Optuna's TPE needs it
/// (`optuna/samplers/_tpe/_truncnorm.py`, whose numerics these follow): the log of the mass
/// Φ(b) − Φ(a) computed in the tail where it is accurate, the log density, and the quantile
/// function for drawing candidates.
enum TruncatedNormal {
    static let logRoot2Pi = 0.5 * Foundation.log(2 * Double.pi)

    /// Φ(x), the standard normal CDF.
    static func ndtr(_ a: Double) -> Double {
        let x = a / 2.0.squareRoot()
        if x < -1 / 2.0.squareRoot() { return 0.5 * erfc(-x) }
        if x < 1 / 2.0.squareRoot() { return 0.5 + 0.5 * erf(x) }
        return 1.0 - 0.5 * erfc(x)
    }

    /// log Φ(x); below −20 from the asymptotic series, as Optuna (and SciPy) compute it.
    static func logNdtr(_ a: Double) -> Double {
        if a > 6 { return -ndtr(-a) }
        if a > -20 { return Foundation.log(ndtr(a)) }
        let logLHS = -0.5 * a * a - Foundation.log(-a) - logRoot2Pi
        var last = 0.0, total = 1.0, numerator = 1.0, denominator = 1.0, sign = 1.0
        let factor = 1 / (a * a)
        var i = 0.0
        while abs(last - total) > Double.ulpOfOne {
            i += 1
            last = total
            sign = -sign
            denominator *= factor
            numerator *= 2 * i - 1
            total += sign * numerator * denominator
        }
        return logLHS + Foundation.log(total)
    }

    /// log(p − q) from log p and log q (p > q).
    static func logDifference(_ logP: Double, _ logQ: Double) -> Double { logP + Foundation.log1p(-Foundation.exp(logQ - logP)) }

    /// log(Φ(b) − Φ(a)): in the left tail as it is, in the right tail mirrored, and across 0
    /// as log1p(−Φ(a) − Φ(−b)) (no cancellation near 1).
    static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return logDifference(logNdtr(b), logNdtr(a)) }
        if a > 0 { return logDifference(logNdtr(-a), logNdtr(-b)) }
        return Foundation.log1p(-ndtr(a) - ndtr(-b))
    }

    /// The log density at x of N(μ, σ) truncated to [low, high]; −∞ outside.
    static func logDensity(_ x: Double, mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        let z = (x - mu) / sigma, a = (low - mu) / sigma, b = (high - mu) / sigma
        guard z >= a, z <= b else { return -.infinity }
        return -z * z / 2 - logRoot2Pi - logMass(a, b) - Foundation.log(sigma)
    }

    /// log(e^p + e^q).
    static func logSum(_ p: Double, _ q: Double) -> Double {
        let m = max(p, q)
        guard m > -.infinity else { return -.infinity }
        return m + Foundation.log(Foundation.exp(p - m) + Foundation.exp(q - m))
    }

    /// x with log Φ(x) = y (y ≤ 0), by Newton's method from Optuna's starting guesses.
    static func ndtriExp(_ y: Double) -> Double {
        let flipped = y > -1e-2
        let z = flipped ? Foundation.log(-Foundation.expm1(y)) : y
        var x = z < -5 ? -(-2.0 * (z + logRoot2Pi)).squareRoot() : -(3.0.squareRoot() / Double.pi) * Foundation.log(Foundation.expm1(-z))
        for _ in 0..<100 {
            let logPhi = logNdtr(x)
            let dx = (logPhi - z) * Foundation.exp(logPhi - (-0.5 * x * x - logRoot2Pi))
            x -= dx
            if !(abs(dx) >= 1e-8 * abs(x)) { break }
        }
        return flipped ? -x : x
    }

    /// The value (in standard units) below which a fraction q of N(0, 1) truncated to [a, b]
    /// lies.
    static func quantile(_ q: Double, a: Double, b: Double) -> Double {
        if q <= 0 { return a }
        if q >= 1 { return b }
        let mass = logMass(a, b)
        if a < 0 { return ndtriExp(logSum(logNdtr(a), Foundation.log(q) + mass)) }
        return -ndtriExp(logSum(logNdtr(-b), Foundation.log1p(-q) + mass))
    }
}
