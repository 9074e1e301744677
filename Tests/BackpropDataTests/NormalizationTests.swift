import BackpropCore
import BackpropData
import Testing
import TestSupport

@Suite struct NormalizationTests {
    // Column 0: 1, 2, 3, 4 (mean 2.5, population std √1.25); column 1 constant.
    let training = Matrix<Double>([[1, 7], [2, 7], [3, 7], [4, 7]])

    @Test func standardUsesTrainingStatistics() {
        let fitted = Normalization.standard.fit(training)
        expectClose(fitted.shift, [2.5, 7], tolerance: 1e-15)
        expectClose(fitted.divisor, [(1.25).squareRoot(), 1], tolerance: 1e-15)
        var m = training
        fitted.apply(to: &m)
        // (1 - 2.5) / √1.25 = -1.3416407864998738 (scikit-learn's StandardScaler gives the same).
        expectClose(m, [[-1.3416407864998738, 0], [-0.4472135954999579, 0], [0.4472135954999579, 0], [1.3416407864998738, 0]], tolerance: 1e-15)
        // Validation rows use the training statistics, not their own.
        var v = Matrix<Double>([[5, 8]])
        fitted.apply(to: &v)
        expectClose(v, [[2.5 / (1.25).squareRoot(), 1]], tolerance: 1e-15)
    }

    @Test func minmaxAndScale() {
        var m = training
        Normalization.minmax.fit(training).apply(to: &m)
        expectClose(m, [[0, 0], [1.0 / 3, 0], [2.0 / 3, 0], [1, 0]], tolerance: 1e-15)
        var f = Matrix<Float>([[255, 51]])
        Normalization.scale(255).fit(f).apply(to: &f)
        expectClose(f, [[1, 0.2]], tolerance: 1e-7)
    }

    @Test func splitsAreNormalisedOnTrainingOnly() {
        var splits = DataSplits(training: Dataset(inputs: training, targets: Matrix(rows: 4, columns: 1)),
                                validation: Dataset(inputs: Matrix([[100, 7]]), targets: Matrix(rows: 1, columns: 1)))
        splits.normalize(.minmax)
        expectClose(splits.validation!.inputs, [[33, 0]], tolerance: 1e-12)
    }
}
