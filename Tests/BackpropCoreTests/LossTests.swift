import BackpropCore
import Testing
import TestSupport

@Suite struct LossTests {
    /// output [[0.8, 0.2], [0.4, 0.6]] against targets [[1, 0], [0, 1]].
    let output: [Double] = [0.8, 0.2, 0.4, 0.6]
    let target: [Double] = [1, 0, 0, 1]

    func value(_ loss: Loss, _ a: [Double]? = nil) -> Double {
        (a ?? output).withUnsafeBufferPointer { ap in target.withUnsafeBufferPointer { tp in
            loss.value(output: ap.baseAddress!, target: tp.baseAddress!, rows: 2, columns: 2)
        } }
    }

    func gradient(_ loss: Loss) -> [Double] {
        var g = [Double](repeating: 0, count: 4)
        output.withUnsafeBufferPointer { ap in target.withUnsafeBufferPointer { tp in g.withUnsafeMutableBufferPointer { gp in
            loss.gradient(output: ap.baseAddress!, target: tp.baseAddress!, into: gp.baseAddress!, rows: 2, columns: 2)
        } } }
        return g
    }

    @Test func valuesByHand() {
        // squared errors: 0.04, 0.04, 0.16, 0.16; sum 0.4
        expectClose(value(.mse), 0.4 / 4, tolerance: 1e-15)
        expectClose(value(.sse), 0.4 / 2, tolerance: 1e-15)
        // BCE: -(ln 0.8 + ln 0.8 + ln 0.6 + ln 0.6) / 4 = -(ln 0.8 + ln 0.6) / 2
        expectClose(value(.binaryCrossEntropy), 0.3669845875401002, tolerance: 1e-15)
        // CE: -(ln 0.8 + ln 0.6) / 2
        expectClose(value(.crossEntropy), 0.3669845875401002, tolerance: 1e-15)
    }

    @Test func gradientsByHand() {
        expectClose(gradient(.sse), [-0.2, 0.2, 0.4, -0.4], tolerance: 1e-15)
        expectClose(gradient(.mse), [-0.1, 0.1, 0.2, -0.2], tolerance: 1e-15)
        // -t / a / n
        expectClose(gradient(.crossEntropy), [-0.625, 0, 0, -1 / 1.2], tolerance: 1e-15)
    }

    @Test(arguments: Loss.allCases)
    func gradientMatchesFiniteDifference(_ loss: Loss) {
        let analytic = gradient(loss)
        for i in 0..<4 {
            let numeric = numericalDerivative({ v in var a = output; a[i] = v; return value(loss, a) }, at: output[i])
            expectClose(analytic[i], numeric, tolerance: 1e-8, "\(loss) component \(i)")
        }
    }

    @Test(arguments: [(Loss.crossEntropy, Activation.softmax), (.binaryCrossEntropy, .sigmoid)])
    func fusedDeltaEqualsTheChainRule(_ loss: Loss, _ activation: Activation) {
        // The fused p - y must equal dL/da ⊙ da/dz computed the long way.
        #expect(loss.isFused(with: activation))
        let a: [Double] = activation == .softmax ? [0.7, 0.2, 0.1, 0.3, 0.3, 0.4] : [0.9, 0.2, 0.35, 0.6, 0.5, 0.01]
        let t: [Double] = activation == .softmax ? [1, 0, 0, 0, 0, 1] : [1, 0, 1, 1, 0, 0]
        var fused = [Double](repeating: 0, count: 6), chain = fused
        a.withUnsafeBufferPointer { ap in t.withUnsafeBufferPointer { tp in
            fused.withUnsafeMutableBufferPointer { f in
                loss.outputDelta(activation: activation, output: ap.baseAddress!, target: tp.baseAddress!, into: f.baseAddress!, rows: 2, columns: 3)
            }
            chain.withUnsafeMutableBufferPointer { c in
                loss.gradient(output: ap.baseAddress!, target: tp.baseAddress!, into: c.baseAddress!, rows: 2, columns: 3)
                activation.backward(da: c.baseAddress!, a: ap.baseAddress!, dz: c.baseAddress!, rows: 2, columns: 3)
            }
        } }
        expectClose(fused, chain, tolerance: 1e-14)
    }

    @Test func saturatedOutputsGiveFiniteLoss() {
        let a: [Double] = [1, 0, 0, 1], t: [Double] = [0, 1, 1, 0]
        let v = a.withUnsafeBufferPointer { ap in t.withUnsafeBufferPointer { tp in
            Loss.binaryCrossEntropy.value(output: ap.baseAddress!, target: tp.baseAddress!, rows: 2, columns: 2)
        } }
        #expect(v.isFinite && v > 30)
    }
}
