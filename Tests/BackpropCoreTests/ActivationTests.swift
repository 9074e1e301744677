import BackpropCore
import Testing
import TestSupport

@Suite struct ActivationTests {
    // Reference values from NumPy 2.4: 1/(1+np.exp(-0.23)), np.tanh(0.5).
    @Test func handValues() {
        expectClose(Activation.sigmoid.apply(0.0), 0.5, tolerance: 0)
        expectClose(Activation.sigmoid.apply(0.23), 0.5572478545985555, tolerance: 1e-16)
        expectClose(Activation.tanh.apply(0.5), 0.46211715726000974, tolerance: 1e-16)
        expectClose(Activation.relu.apply(-1.5), 0, tolerance: 0)
        expectClose(Activation.relu.apply(2.5), 2.5, tolerance: 0)
        expectClose(Activation.leakyReLU.apply(-2.0), -0.02, tolerance: 1e-17)
        expectClose(Activation.leakyReLU.apply(3.0), 3, tolerance: 0)
        expectClose(Activation.linear.apply(-7.25), -7.25, tolerance: 0)
    }

    @Test func derivativesByHand() {
        // σ'(z) = σ(1 - σ): at z = 0, 0.5 · 0.5.
        expectClose(Activation.sigmoid.derivative(output: 0.5), 0.25, tolerance: 0)
        // tanh' = 1 - a²: at a = 0.5, 0.75.
        expectClose(Activation.tanh.derivative(output: 0.5), 0.75, tolerance: 0)
        expectClose(Activation.relu.derivative(output: 3.0), 1, tolerance: 0)
        expectClose(Activation.relu.derivative(output: 0.0), 0, tolerance: 0)
        expectClose(Activation.leakyReLU.derivative(output: -0.03), 0.01, tolerance: 0)
        expectClose(Activation.linear.derivative(output: 42.0), 1, tolerance: 0)
    }

    @Test(arguments: [Activation.sigmoid, .tanh, .relu, .leakyReLU, .linear])
    func derivativeMatchesFiniteDifference(_ activation: Activation) {
        for z in [-3.1, -0.7, -0.05, 0.2, 1.3, 4.0] {
            let numeric = numericalDerivative({ activation.apply($0) }, at: z)
            let analytic = activation.derivative(output: activation.apply(z))
            expectClose(analytic, numeric, tolerance: 1e-8, "\(activation) at z = \(z)")
        }
    }

    /// ReLU's backward pass, eight lanes at a time plus a tail (19 values, in place as the
    /// network runs it): dz = da where a > 0, else +0, bit for bit as the plain rule gives it,
    /// with awkward a (zeros, NaN, infinity, subnormal) and awkward da (-0, NaN, infinities).
    @Test func reluBackwardIsThePlainRule() {
        func check<T: Scalar>(_: T.Type) {
            let a: [T] = [1, 0, -0.0, -2, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 3, -1e-30,
                          0.5, 2, -3, 4, 0, 7, .nan, 1, -1]
            let da: [T] = [-0.0, 5, 6, 7, 8, .nan, -.infinity, -3, .infinity, 1,
                           -0.0, -2, .nan, 0.25, 9, -0.5, 1, .nan, 2]
            var dz = da
            dz.withUnsafeMutableBufferPointer { d in
                a.withUnsafeBufferPointer { a in
                    Activation.relu.backward(da: UnsafePointer(d.baseAddress!), a: a.baseAddress!, dz: d.baseAddress!, rows: 1, columns: 19)
                }
            }
            for i in a.indices {
                let expected: T = a[i] > 0 ? da[i] : 0
                #expect((dz[i] == expected && dz[i].sign == expected.sign) || (dz[i].isNaN && expected.isNaN), "a \(a[i]), da \(da[i])")
            }
        }
        check(Double.self)
        check(Float.self)
    }

    @Test func softmaxRowsAreProbabilities() {
        // NumPy: e = np.exp(z - z.max()); e / e.sum() for z = [1, 2, 3]
        let z: [Double] = [1, 2, 3, 1000, 1000, 1000]
        var a = [Double](repeating: 0, count: 6)
        z.withUnsafeBufferPointer { zp in
            a.withUnsafeMutableBufferPointer { ap in
                Activation.softmax.forward(z: zp.baseAddress!, a: ap.baseAddress!, rows: 2, columns: 3)
            }
        }
        expectClose(Array(a[0..<3]), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219], tolerance: 1e-15)
        // Large inputs do not overflow thanks to the max shift.
        expectClose(Array(a[3..<6]), [1.0 / 3, 1.0 / 3, 1.0 / 3], tolerance: 1e-15)
    }

    @Test func softmaxBackwardIsTheJacobianProduct() {
        // dz_j = Σ_i da_i ∂a_i/∂z_j, checked by finite differences of the forward pass.
        let z: [Double] = [0.3, -1.2, 0.8, 2.0]
        let da: [Double] = [0.5, -0.25, 1.5, -2.0]
        func softmax(_ z: [Double]) -> [Double] {
            var a = z
            z.withUnsafeBufferPointer { zp in a.withUnsafeMutableBufferPointer { ap in
                Activation.softmax.forward(z: zp.baseAddress!, a: ap.baseAddress!, rows: 1, columns: z.count)
            } }
            return a
        }
        let a = softmax(z)
        var dz = [Double](repeating: 0, count: 4)
        da.withUnsafeBufferPointer { dp in a.withUnsafeBufferPointer { ap in dz.withUnsafeMutableBufferPointer { zp in
            Activation.softmax.backward(da: dp.baseAddress!, a: ap.baseAddress!, dz: zp.baseAddress!, rows: 1, columns: 4)
        } } }
        for j in 0..<4 {
            let numeric = numericalDerivative({ v in
                var shifted = z; shifted[j] = v
                return zip(softmax(shifted), da).reduce(0) { $0 + $1.0 * $1.1 }
            }, at: z[j])
            expectClose(dz[j], numeric, tolerance: 1e-9, "component \(j)")
        }
    }

    @Test func namesDecodeFromSpecStrings() {
        #expect(Activation(rawValue: "leaky_relu") == .leakyReLU)
        #expect(Activation.allCases.map(\.rawValue) == ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"])
    }
}
