import ExperimentRunner
import Testing

@Suite struct GnuplotScriptTests {
    @Test func runPlotReadsItsMetricsCSV() {
        let s = GnuplotScript.runLoss(title: "moons: lr=0.2,seed=1", loss: "loss (mse)", hasValidation: true, logScale: false)
        #expect(s.contains("set title 'moons: lr=0.2,seed=1'"))
        #expect(s.contains("set xlabel \"epoch\""))
        #expect(s.contains("set ylabel 'loss (mse)'"))
        #expect(s.contains("set datafile separator comma"))
        #expect(s.contains("\"metrics.csv\" skip 1 using 1:2 with lines"))
        #expect(s.contains("using 1:3 with lines lw 2 dt 2"))
        #expect(s.contains("set output 'loss.png'") && s.contains("set output 'loss.svg'"))
        #expect(s.contains("unset logscale y") && !s.contains("\nset logscale y"))
    }

    @Test func sweepPlotHasBandsLegendAndBothFormats() {
        let s = GnuplotScript.sweepCurves(.loss(name: "sse"), title: "sweep", curves: [.init(label: "lr=0.1", column: 2, countColumn: 1, seeds: 3), .init(label: "lr=0.2", column: 6, countColumn: 5, seeds: 3)],
                                          hasValidation: true, logScale: true, omitted: 3)
        // Drawn only where every completed seed reached the epoch (n, the column before, is 3).
        #expect(s.contains("using 1:($1 == 3 ? (($2-$3) > 0 ? $2-$3 : $2) : NaN):($1 == 3 ? ($2+$3) : NaN) with filledcurves lc rgb \"#0072B2\" notitle"))
        #expect(s.contains("using 1:($1 == 3 ? $2 : NaN) with lines lw 2 lc rgb \"#0072B2\" title 'lr=0.1'"))
        #expect(s.contains("using 1:($5 == 3 ? $8 : NaN) with lines lw 2 dt 2 lc rgb \"#E69F00\" notitle"))
        #expect(s.contains("title '3 more: see index.html'") && s.contains("keyentry with lines lw 2 dt 2 lc rgb \"#555555\" title 'validation (dashed)'"))
        // One title line: a second one is cut off on a narrow canvas.
        #expect(s.contains("set title 'sweep' font"))
        #expect(s.contains("set logscale y"))
        #expect(s.contains("(log scale)"))
        #expect(s.contains("set output 'loss.png'") && s.contains("set output 'loss.svg'"))
    }

    @Test func accuracyPlotReadsTheAccuracyColumns() {
        let s = GnuplotScript.sweepCurves(.accuracy, title: "moons: accuracy", curves: [.init(label: "lr=0.1", column: 6, countColumn: 2, seeds: 1)], hasValidation: true,
                                          logScale: false, omitted: 0)
        #expect(s.contains("set ylabel 'accuracy'"))
        #expect(s.contains("set yrange [*:1]"))
        #expect(s.contains("\"curves.csv\" skip 1 using 1:($2 == 1 ? ($6-$7) : NaN):($2 == 1 ? ($6+$7) : NaN) with filledcurves"))
        #expect(s.contains("using 1:($2 == 1 ? $8 : NaN) with lines lw 2 dt 2"))
        #expect(s.contains("set output 'accuracy.png'") && s.contains("set output 'accuracy.svg'"))
    }

    @Test func heatmapHasOneTicPerValueAndLabelsEachCell() {
        let s = GnuplotScript.heatmap(title: "t", value: "mean final loss", xLabel: "model.layers[0].units", xValues: ["2", "8"],
                                      yLabel: "optimizer.learning_rate", yValues: ["0.05", "0.2", "0.8"], lowerIsBetter: true,
                                      range: (0.25, 0.5))
        #expect(s.contains("set xtics ('2' 0, '8' 1)"))
        #expect(s.contains("set ytics ('0.05' 0, '0.2' 1, '0.8' 2)"))
        #expect(s.contains("set xrange [-0.5:1.5]") && s.contains("set yrange [-0.5:2.5]"))
        #expect(s.contains("\"heatmap.csv\" skip 1 using 1:2:3 with image pixels"))
        #expect(s.contains("\"heatmap.csv\" skip 1 using 1:2:4 with labels"))
        #expect(s.contains("set datafile missing \"NaN\""))
        #expect(s.contains("set cblabel 'mean final loss'"))
        #expect(s.contains("set cbrange [0.25:0.5]"))
    }

    @Test func boundaryDrawsTheGridThenEachClass() {
        let s = GnuplotScript.boundary(title: "t", classes: 3, xLabel: "x1", yLabel: "x2")
        #expect(s.contains("plot \"boundary.csv\" skip 1 using 1:2:3 with image notitle"))
        #expect(s.contains("\"points.csv\" skip 1 using 1:($3 == 2 ? $2 : NaN) with points pt 7 ps 0.6 lc rgb \"#009E73\" title \"class 2\""))
        #expect(s.contains("set cbrange [-0.5:2.5]"))
        #expect(s.contains("set size ratio -1"))
        let binary = GnuplotScript.boundary(title: "t", classes: 2, xLabel: "x1", yLabel: "x2")
        #expect(binary.contains("set cbrange [0:1]") && binary.contains("P(class 1)"))
    }

    @Test func diagnosticsPlotIsLogScaleOneLinePerLayer() {
        let s = GnuplotScript.diagnostics(title: "moons: lr=0.8", layers: 2, firstColumn: 7)
        #expect(s.contains("set logscale y"))
        #expect(s.contains("\"metrics.csv\" skip 1 using 1:7 with lines lw 2 lc rgb \"#0072B2\" title \"layer 1\""))
        #expect(s.contains("using 1:8 with lines lw 2 lc rgb \"#E69F00\" title \"layer 2\""))
    }

    @Test func logScaleWhenLossesSpanDecades() {
        #expect(GnuplotScript.wantsLogScale([0.7, 0.3, 0.01]))
        #expect(!GnuplotScript.wantsLogScale([0.7, 0.3, 0.1]))
        #expect(!GnuplotScript.wantsLogScale([0.7, 0, 0.001]))
    }

    /// Text reaches a script only as single-quoted gnuplot strings, where nothing is expanded;
    /// a quote is doubled, a line break is a "\n" joined on, other control characters are
    /// replaced; file names keep every byte (octal escapes). Checked with gnuplot itself in
    /// HostileCorpusTests.
    @Test func titlesAreEscaped() {
        #expect(GnuplotScript.quoted("a \"b\" \\ c\nd") == "'a \"b\" \\ c'.\"\\n\".'d'")
        #expect(GnuplotScript.quoted("it's `rm -rf ~` @x") == "'it'.\"'\".'s `rm -rf ~` @x'")
        #expect(GnuplotScript.quoted("'\n") == "\"'\".\"\\n\"")
        #expect(GnuplotScript.quoted("") == "''")
        #expect(GnuplotScript.quoted("tab\there\u{1B}[2J\u{85}") == "'tab\u{FFFD}here\u{FFFD}[2J\u{FFFD}'")
        #expect(GnuplotScript.fileName("/r/a'b\n!c") == "'/r/a'.\"'\".'b'.\"\\012\".'!c'")
        #expect(GnuplotScript.fileName("/plain/ünïcode") == "'/plain/ünïcode'")
    }
}
