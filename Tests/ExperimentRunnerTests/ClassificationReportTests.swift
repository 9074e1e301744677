import ExperimentRunner
import Testing

/// The figures of `backprop evaluate`, against hand-computed ones (and scikit-learn's
/// definitions: a class never predicted has precision 0; AUC counts ties one half).
@Suite struct ClassificationReportTests {
    @Test func aThreeClassReportByHand() {
        // true:      a a b b b c
        // predicted: a b b b a c
        let r = ClassificationReport(classes: ["a", "b", "c"], truth: [0, 0, 1, 1, 1, 2], predicted: [0, 1, 1, 1, 0, 2])
        #expect(r.confusion == [[1, 1, 0], [1, 2, 0], [0, 0, 1]])
        #expect(r.support == [2, 3, 1])
        #expect(r.precision == [0.5, 2.0 / 3, 1])
        #expect(r.recall == [0.5, 2.0 / 3, 1])
        #expect(r.f1[0] == 0.5 && abs(r.f1[1] - 2.0 / 3) < 1e-15 && r.f1[2] == 1)
        #expect(abs(r.macro(r.f1) - (0.5 + 2.0 / 3 + 1) / 3) < 1e-15)            // 0.7222
        #expect(abs(r.weighted(r.f1) - (2 * 0.5 + 3 * 2.0 / 3 + 1) / 6) < 1e-15)  // 0.6667
        #expect(r.accuracy == 4.0 / 6)
        #expect(r.rocAUC == nil)
        #expect(r.csv.hasPrefix("class,precision,recall,f1,support\na,0.5,0.5,0.5,2\n"))
    }

    @Test func aClassNeverPredictedHasPrecisionZero() {
        let r = ClassificationReport(classes: ["0", "1"], truth: [0, 1, 1], predicted: [0, 0, 0])
        #expect(r.precision == [1.0 / 3, 0] && r.recall == [1, 0] && r.f1[1] == 0)
    }

    @Test func rocAUCAsScikitLearnComputesIt() {
        // scikit-learn's roc_auc_score documentation example: 0.75.
        #expect(ClassificationReport.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], positive: [false, false, true, true]) == 0.75)
        // A tie between a positive and a negative counts one half: (0.5 + 1 + 1 + 1) / 4.
        #expect(ClassificationReport.rocAUC(scores: [0.5, 0.5, 0.2, 0.9], positive: [false, true, false, true]) == 0.875)
        #expect(ClassificationReport.rocAUC(scores: [0.3, 0.7], positive: [true, true]) == nil)
        let r = ClassificationReport(classes: ["n", "p"], truth: [0, 0, 1, 1], predicted: [0, 0, 0, 1], positiveScores: [0.1, 0.4, 0.35, 0.8])
        #expect(r.rocAUC == 0.75)
    }
}
