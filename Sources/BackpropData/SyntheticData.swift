import BackpropCore

import RealModule

/// Small generated datasets for experiments and tests. Every generator draws from the
/// data stream of its own seed, so every configuration of a sweep sees the same points.
/// Classification sets return 2-D inputs and a class label per row.
public enum SyntheticData {
    public struct Labelled: Sendable {
        public var inputs: [[Double]]
        public var labels: [Int]
        public init(inputs: [[Double]], labels: [Int]) {
            self.inputs = inputs
            self.labels = labels
        }
    }

    /// The truth tables of two booleans, rows in the order 00, 01, 10, 11.
    public static func truthTable(_ op: (Bool, Bool) -> Bool) -> Labelled {
        let rows: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]
        return Labelled(inputs: rows.map { [$0.0 ? 1 : 0, $0.1 ? 1 : 0] }, labels: rows.map { op($0.0, $0.1) ? 1 : 0 })
    }

    /// Two interleaving half circles, as scikit-learn's make_moons: the upper moon
    /// (cos t, sin t) and the lower (1 - cos t, 1/2 - sin t), t in [0, π], plus Gaussian noise.
    public static func moons(samples: Int, noise: Double, seed: UInt64) -> Labelled {
        twoClasses(samples: samples, noise: noise, seed: seed) { label, i, count in
            let t = count > 1 ? Double.pi * Double(i) / Double(count - 1) : 0
            return label == 0 ? [Double.cos(t), Double.sin(t)] : [1 - Double.cos(t), 0.5 - Double.sin(t)]
        }
    }

    /// Two concentric circles, radius 1 (class 0) and 0.5 (class 1), plus Gaussian noise.
    public static func circles(samples: Int, noise: Double, seed: UInt64) -> Labelled {
        twoClasses(samples: samples, noise: noise, seed: seed) { label, i, count in
            let t = 2 * Double.pi * Double(i) / Double(max(count, 1))
            let radius = label == 0 ? 1.0 : 0.5
            return [radius * Double.cos(t), radius * Double.sin(t)]
        }
    }

    /// samples / 2 points of class 0 then the rest of class 1, each `point(label, i, count)`
    /// plus `noise` times a Gaussian per coordinate, then shuffled.
    private static func twoClasses(samples: Int, noise: Double, seed: UInt64,
                                   point: (_ label: Int, _ i: Int, _ count: Int) -> [Double]) -> Labelled {
        var rng = Xoshiro256StarStar(seed: seed, stream: .data)
        let first = samples / 2
        var out = Labelled(inputs: [], labels: [])
        for (count, label) in [(first, 0), (samples - first, 1)] {
            for i in 0..<count {
                out.inputs.append(point(label, i, count).map { $0 + noise * rng.nextGaussian() })
                out.labels.append(label)
            }
        }
        return shuffled(out, &rng)
    }

    /// `classes` interleaved spiral arms (the CS231n spiral): arm k has radius r from 0 to 1
    /// and angle 4k + 4r, plus `noise` times a Gaussian on the angle.
    public static func spirals(samples: Int, classes: Int, noise: Double, seed: UInt64) -> Labelled {
        var rng = Xoshiro256StarStar(seed: seed, stream: .data)
        var out = Labelled(inputs: [], labels: [])
        for k in 0..<classes {
            let count = samples / classes + (k < samples % classes ? 1 : 0)
            for i in 0..<count {
                let r = count > 1 ? Double(i) / Double(count - 1) : 0
                let t = 4 * Double(k) + 4 * r + noise * rng.nextGaussian()
                out.inputs.append([r * Double.sin(t), r * Double.cos(t)])
                out.labels.append(k)
            }
        }
        return shuffled(out, &rng)
    }

    /// `classes` Gaussian blobs with standard deviation `noise`, centred on a circle of radius 3.
    public static func blobs(samples: Int, classes: Int, noise: Double, seed: UInt64) -> Labelled {
        var rng = Xoshiro256StarStar(seed: seed, stream: .data)
        var out = Labelled(inputs: [], labels: [])
        for i in 0..<samples {
            let k = i % classes
            let angle = 2 * Double.pi * Double(k) / Double(classes)
            out.inputs.append([3 * Double.cos(angle) + noise * rng.nextGaussian(), 3 * Double.sin(angle) + noise * rng.nextGaussian()])
            out.labels.append(k)
        }
        return shuffled(out, &rng)
    }

    /// Regression: x uniform in [-π, π], y = sin x + noise · Gaussian.
    public static func sine(samples: Int, noise: Double, seed: UInt64) -> (inputs: [[Double]], targets: [[Double]]) {
        var rng = Xoshiro256StarStar(seed: seed, stream: .data)
        var inputs = [[Double]](), targets = [[Double]]()
        for _ in 0..<samples {
            let x = rng.nextDouble(in: -Double.pi, Double.pi)
            inputs.append([x])
            targets.append([Double.sin(x) + noise * rng.nextGaussian()])
        }
        return (inputs, targets)
    }

    private static func shuffled(_ data: Labelled, _ rng: inout Xoshiro256StarStar) -> Labelled {
        var order = Array(data.inputs.indices)
        rng.shuffle(&order)
        return Labelled(inputs: order.map { data.inputs[$0] }, labels: order.map { data.labels[$0] })
    }
}
