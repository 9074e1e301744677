import BackpropCore

extension SweepReport {
    /// A run's own plot scripts, made from its result (never read back from its folder, where
    /// anyone who handed over the folder could have put any script): loss, and diagnostics
    /// when it logged them.
    func runScripts(_ result: RunResult) -> [(name: String, script: String)] {
        let losses = result.rows.flatMap { [$0.record.trainLoss] + ($0.record.validationLoss.map { [$0] } ?? []) }
        let seeds = plan.seedCount
        let title = "\(plan.name): \(result.run.id) (one of \(seeds) seed\(seeds == 1 ? "" : "s"))"
        var scripts = [("loss", GnuplotScript.runLoss(title: title, loss: "loss (\(result.run.spec.loss.rawValue))",
                                                      hasValidation: result.hasValidation, logScale: GnuplotScript.wantsLogScale(losses), figures: plan.figures))]
        if result.rows.first?.diagnostics != nil {
            let hasValidation = result.hasValidation, hasAccuracy = result.hasAccuracy
            let first = 4 + (hasValidation ? 1 : 0) + (hasAccuracy ? (hasValidation ? 2 : 1) : 0)  // grad_norm_1, 1-based
            scripts.append(("diagnostics", GnuplotScript.diagnostics(title: title, layers: result.run.spec.model.layers.count, firstColumn: first, figures: plan.figures)))
        }
        return scripts
    }

    /// A run's own plots: loss.gp (and diagnostics.gp when it logged diagnostics), written
    /// in its folder, and rendered with `--plots all`. Returns gnuplot's complaint when a plot failed; a
    /// script that cannot be written throws.
    func writeRunPlots(_ result: RunResult, inPlace: Bool = false) throws(ResultsError) -> String? {
        let runFolder = RunFolder(path: directory.runPath(result.run.id)), dir = runFolder.path
        func write(_ text: String, to file: String) throws(ResultsError) {
            try runFolder.write(Array(text.utf8), to: file, inPlace: inPlace, unlessUnchanged: true)
        }
        let scripts = runScripts(result)
        for (name, script) in scripts { try write(script, to: dir + "/" + name + ".gp") }
        guard plots == .all else { return nil }
        for (name, _) in scripts {
            do { try gnuplot?.render(file: dir + "/" + name + ".gp") } catch { return "\(dir)/\(name).gp: \(error)" }
        }
        return nil
    }
}
