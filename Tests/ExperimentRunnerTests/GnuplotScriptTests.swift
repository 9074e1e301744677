import ExperimentRunner
import Testing

@Suite struct GnuplotScriptTests {
    @Test func runPlotReadsItsMetricsCSV() {
        let s = GnuplotScript.runLoss(title: "moons: lr=0.2,seed=1", loss: "loss (mse)", hasValidation: true, logScale: false)
        #expect(s.contains("set title \"moons: lr=0.2,seed=1\""))
        #expect(s.contains("set xlabel \"epoch\""))
        #expect(s.contains("set ylabel \"loss (mse)\""))
        #expect(s.contains("set datafile separator comma"))
        #expect(s.contains("\"metrics.csv\" skip 1 using 1:2 with lines"))
        #expect(s.contains("using 1:3 with lines lw 2 dt 2"))
        #expect(s.contains("set output \"loss.png\""))
        #expect(!s.contains("loss.svg"))
        #expect(s.contains("unset logscale y") && !s.contains("\nset logscale y"))
    }

    @Test func sweepPlotHasBandsLegendAndBothFormats() {
        let s = GnuplotScript.sweepLoss(title: "sweep", loss: "loss (sse)", curves: [("lr=0.1", 2), ("lr=0.2", 6)],
                                        hasValidation: true, logScale: true, omitted: 3)
        #expect(s.contains("using 1:(($2-$3) > 0 ? $2-$3 : $2):($2+$3) with filledcurves lc rgb \"#0072B2\" notitle"))
        #expect(s.contains("using 1:2 with lines lw 2 lc rgb \"#0072B2\" title \"lr=0.1\""))
        #expect(s.contains("using 1:8 with lines lw 2 dt 2 lc rgb \"#E69F00\" notitle"))
        #expect(s.contains("best 2 shown, 3 more in summary.md"))
        #expect(s.contains("set logscale y"))
        #expect(s.contains("(log scale)"))
        #expect(s.contains("set output \"loss.png\"") && s.contains("set output \"loss.svg\""))
    }

    @Test func logScaleWhenLossesSpanDecades() {
        #expect(GnuplotScript.wantsLogScale([0.7, 0.3, 0.01]))
        #expect(!GnuplotScript.wantsLogScale([0.7, 0.3, 0.1]))
        #expect(!GnuplotScript.wantsLogScale([0.7, 0, 0.001]))
    }

    @Test func titlesAreEscaped() {
        #expect(GnuplotScript.quoted("a \"b\" \\ c\nd") == "\"a \\\"b\\\" \\\\ c\\nd\"")
    }
}
