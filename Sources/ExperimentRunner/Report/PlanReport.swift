import BackpropCore
import BackpropData
import Foundation

/// What `backprop plan` prints: the expanded runs, their sizes and a time estimate.
public struct PlanReport {
    public var plan: SweepPlan
    public var data: [Int: LoadedData]

    public init(plan: SweepPlan) throws {
        self.plan = plan
        data = try plan.buildData()
    }

    /// `LoadedData.flopsPerEpoch`.
    public func flopsPerEpoch(_ run: PlannedRun) -> Double { data[run.index]!.flopsPerEpoch(of: run) }

    public func parameters(_ run: PlannedRun) -> Int { data[run.index]!.parameters(of: run) }

    /// Seconds per epoch of the first run, from training it for a few epochs (about 2e8
    /// FLOPs' worth, at most its own epochs).
    public func calibrate() -> Double {
        guard let run = plan.runs.first else { return 0 }
        let epochs = max(1, min(run.spec.training.epochs, Int(2e8 / max(flopsPerEpoch(run), 1))))
        return data[run.index]!.splits.secondsPerEpoch(run, epochs: epochs)
    }

    public func text(jobs: Int, secondsPerEpoch: Double?) -> String {
        var out = "\(plan.name) (\(plan.file)): \(plan.runs.count) run\(plan.runs.count == 1 ? "" : "s") = "
        out += "\(plan.configurationCount) configuration\(plan.configurationCount == 1 ? "" : "s") × \(plan.seedCount) seed(s)\n"
        if !plan.axes.isEmpty {
            out += "grid:\n"
            for a in plan.axes { out += "  \(a.label) = \(a.path): \(a.values.map { $0.serialized(indent: nil) }.joined(separator: ", "))\n" }
        }
        if plan.isMultiObjective {
            let hasValidation = plan.runs.first.map { data[$0.index]!.validationCount > 0 } ?? false
            out += "objectives: " + plan.objectives.map { "\($0.name(hasValidation: hasValidation)) (\($0.mode.rawValue))" }.joined(separator: ", ")
            out += "; the first ranks, pareto.csv gets the front" + (plan.isAdaptive ? ", multi-objective TPE proposes" : "") + "\n"
        }
        if let search = plan.search {
            out += "search: \(search.sampler.rawValue), \(search.trials) trial\(search.trials == 1 ? "" : "s"), seed \(search.seed)\n"
            let proposed = plan.proposedTrialCount
            if plan.isAdaptive {
                out += "  \(search.batch) at a time, each batch from the results of those before (random until \(search.startupTrials) have finished); "
                out += "the runs below are the first batch's (\(proposed) trial\(proposed == 1 ? "" : "s")), the rest are proposed as it runs\n"
            }
            for t in 0..<proposed {
                out += "  trial \(t): " + plan.searchAxes.map { "\($0.label)=\($0.values[t].serialized(indent: nil))" }.joined(separator: ", ") + "\n"
            }
        }
        // Sorted by their widths as numbers (2-2-1, 2-8-1, 2-32-1), then activations.
        var architectures = [(widths: [Int], activations: String, parameters: Int, flops: Double)]()
        for run in plan.runs {
            let widths = [data[run.index]!.features] + run.spec.model.layers.map(\.units)
            // "relu+bn+dropout(0.3)": the activation, with batch normalisation and dropout where a layer has them.
            let activations = run.spec.model.layers.map { layer in
                layer.activation.rawValue + (layer.batchNorm ? "+bn" : "") + (layer.dropout > 0 ? "+dropout(\(layer.dropout))" : "")
            }.joined(separator: ",")
            if !architectures.contains(where: { $0.widths == widths && $0.activations == activations }) {
                architectures.append((widths, activations, parameters(run), flopsPerEpoch(run)))
            }
        }
        architectures.sort { a, b in a.widths != b.widths ? a.widths.lexicographicallyPrecedes(b.widths) : a.activations < b.activations }
        out += "architectures:\n"
        for a in architectures {
            out += "  \(a.widths.map(String.init).joined(separator: "-")) \(a.activations): \(Self.grouped(a.parameters)) parameters, "
                + "\(Self.grouped(Int(a.flops.rounded()))) FLOPs per epoch\n"
        }
        out += "runs:\n"
        for run in plan.runs {
            out += "  \(String(run.index).leftPad(4)) \(run.id)  epochs=\(run.spec.training.epochs)\n"
        }
        if let s = secondsPerEpoch, let first = plan.runs.first {
            let base = flopsPerEpoch(first)
            let total = plan.runs.reduce(0.0) { $0 + s * max(flopsPerEpoch($1) / base, 0.05) * Double($1.spec.training.epochs + 1) }
            let parallel = total / Double(max(1, min(jobs, plan.runs.count)))
            out += String(format: "estimate: %.3g ms per epoch for run 0 (calibrated); about %@ in all with --jobs %d\n",
                          s * 1000, Self.duration(parallel), jobs)
        }
        return out
    }

    /// A whole number with thousands separators: 153,600.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func duration(_ s: Double) -> String {
        if s < 1 { return String(format: "%.0f ms", s * 1000) }
        if s < 120 { return String(format: "%.1f s", s) }
        if s < 7200 { return String(format: "%.1f min", s / 60) }
        return String(format: "%.1f h", s / 3600)
    }
}
