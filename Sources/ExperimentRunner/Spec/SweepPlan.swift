import Foundation
import BackpropCore

/// A spec expanded: every configuration of the grid times every seed, each decoded and
/// checked before anything trains.
public struct SweepPlan: Sendable {
    public var file: String
    /// The spec as given, after `--set`.
    public var specJSON: JSONValue
    public var name: String
    /// The grid's axes.
    public var axes: [GridAxis]
    /// The spec's `objective` (the default rule without one), or the first of its `objectives`.
    public var objective = Objective()
    /// The spec's `objectives`; without them, just `objective`.
    public var objectives = [Objective()]
    public var isMultiObjective: Bool { objectives.count > 1 }
    /// The keys of a spec that describe the sweep, not one run: never swept, never in config.json.
    public static let sweepKeys = ["grid", "search", "objective", "objectives", "scheduler"]
    /// The spec's `scheduler`, when it has one.
    public var scheduler: SchedulerSpec?
    /// The spec's `search`, when it has one.
    public var search: SearchSpec?
    /// One per searched path: its label and every trial's value, in trial order.
    public var searchAxes: [GridAxis]
    /// Every field that varies across configurations: the searched ones, then the grid's.
    public var sweptAxes: [GridAxis] { searchAxes + axes }
    public var runs: [PlannedRun]
    public var configurationCount: Int
    /// How many seeds each configuration has (the spec's `seeds`), counted once: reports ask
    /// for it per run.
    public var seedCount: Int
    /// The spec's `report.curves`.
    public var reportCurves: Int
    /// The spec's `report.formats` and `report.width`.
    public var figures: FigureOptions
    /// How many configurations have each id before its "#k" suffix (ids are made unique so).
    var configurationIDCounts = [String: Int]()
    /// An adaptive search's trials on its estimator's scale, one per proposed trial (empty:
    /// not computed; `nextBatch` keeps it as the plan grows).
    var searchPoints = [[Double]]()

    /// The most runs a plan holds; `run` asks for --yes above 100,000.
    public static let maximumRuns = 1_000_000

    /// A `.yaml`/`.yml` file is read as YAML (`YAMLSpec`), anything else as JSON.
    /// - Parameter maximumRuns: a grid of more runs is refused, counted from its axes before
    ///   anything is expanded.
    public static func load(file: String, overrides: [Override] = [], maximumRuns: Int = maximumRuns) throws -> SweepPlan {
        let bytes: [UInt8]
        do { bytes = try readFile(file) } catch { throw SpecError(file: file, path: "", message: "cannot read: \(error)") }
        if YAMLSpec.isYAML(file) {
            let (json, marks) = try YAMLSpec.parse(bytes, file: file)
            let plan: SweepPlan
            do { plan = try SweepPlan(json: json, file: file, overrides: overrides, maximumRuns: maximumRuns) } catch {
                throw error.file == file ? YAMLSpec.locate(error, marks: marks) : error
            }
            return plan
        }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw SpecError(file: file, path: "", message: "invalid JSON at \(error)") }
        return try SweepPlan(json: json, file: file, overrides: overrides, maximumRuns: maximumRuns)
    }

    /// - Parameter proposed: the trials of an adaptive search (TPE) proposed so far, in place
    ///   of its first batch (`nextBatch`).
    ///   - reusing: a plan of the same spec with the first of these trials (an adaptive search's
    ///     previous batch): its configurations are taken as they are, not decoded again.
    public init(json original: JSONValue, file: String, overrides: [Override] = [], maximumRuns: Int = maximumRuns,
                proposed: [[JSONValue]]? = nil, reusing previous: SweepPlan? = nil) throws(SpecError) {
        self.file = file
        guard case .object = original else { throw SpecError(file: file, path: "", message: "a spec is a JSON object") }
        // Fixed overrides replace fields; sweeping ones become grid axes after the file's own.
        var json = original
        var gridMembers: [(key: String, value: JSONValue)] = []
        var hasGridObject = false
        if case let .object(members)? = original["grid"] { gridMembers = members; hasGridObject = true }
        for o in overrides {
            if o.isSweep {
                // An axis the file sweeps keeps its place (run ids and heatmap axes stay put).
                if let i = gridMembers.firstIndex(where: { $0.key == o.pathText }) {
                    gridMembers[i].value = .array(o.values)
                } else {
                    gridMembers.append((o.pathText, .array(o.values)))
                }
            } else {
                gridMembers.removeAll { $0.key == o.pathText }
                do { json = try json.setting(o.path.components[...], to: o.values[0]) } catch {
                    throw SpecError(file: "--set", path: error.path.description, message: error.message)
                }
            }
        }
        if hasGridObject || !gridMembers.isEmpty { json = try! json.setting([.key("grid")], to: .object(gridMembers)) }
        specJSON = json

        // The grid's axes.
        var axes = [GridAxis]()
        if let g = json["grid"] {
            let grid = JSONReader(g, path: JSONPath([.key("grid")]), file: file)
            guard case let .object(members) = g else { throw grid.error("expected an object of \"path\": [values]") }
            var paths = [JSONPath]()
            for (key, value) in members {
                let reader = JSONReader(value, path: JSONPath([.key("grid"), .key(key)]), file: file)
                guard let path = GridAxis.parsePath(key) else { throw reader.error("not a path like optimizer.learning_rate or model.layers[0].units") }
                if case .key(let first) = path.components.first, (["seeds"] + Self.sweepKeys + ExperimentSpec.descriptive).contains(first) {
                    throw reader.error("\(first) cannot be swept\(first == "seeds" ? ": every configuration already runs once per seed" : ExperimentSpec.descriptive.contains(first) ? ": it describes the experiment and is not a hyperparameter" : "")")
                }
                let values = try reader.nonEmptyArray().map(\.value)
                for (i, v) in values.enumerated() where values[..<i].contains(where: { $0.sameValue(as: v) }) {
                    throw reader.error("the value \(v.serialized(indent: nil)) is listed twice: every value of an axis is a different configuration")
                }
                // A later axis that replaces an object holding an earlier axis's field would
                // silently undo that axis in every configuration.
                if let earlier = paths.first(where: { $0.components.starts(with: path.components) }) {
                    throw reader.error("replaces \(earlier), which an earlier axis sweeps: put \(key) before it in the grid")
                }
                paths.append(path)
                axes.append(GridAxis(path: path, values: values, label: ""))
            }
        }
        if let o = json["objective"] {
            objective = try Objective(JSONReader(o, path: JSONPath([.key("objective")]), file: file))
            objectives = [objective]
        }
        if let o = json["objectives"] {
            let reader = JSONReader(o, path: JSONPath([.key("objectives")]), file: file)
            if json["objective"] != nil { throw reader.error("give objective or objectives, not both (the first of objectives is the one that ranks)") }
            objectives = try Objective.list(reader)
            objective = objectives[0]
        }
        // The search's trials, drawn now from its seed alone.
        var searchAxes = [GridAxis]()
        var trials: [[JSONValue]] = [[]]
        if let s = json["search"] {
            let search = try SearchSpec(JSONReader(s, path: JSONPath([.key("search")]), file: file), gridPaths: axes.map(\.path),
                                        maximumTrials: maximumRuns)
            self.search = search
            trials = proposed ?? search.sample()
            searchAxes = search.dimensions.indices.map { d in GridAxis(path: search.dimensions[d].path, values: trials.map { $0[d] }, label: "") }
        }
        // Labels are unique over the searched and the grid's fields together.
        let labels = GridAxis.labels(for: searchAxes.map(\.path) + axes.map(\.path))
        for i in searchAxes.indices { searchAxes[i].label = labels[i] }
        for i in axes.indices { axes[i].label = labels[searchAxes.count + i] }
        self.axes = axes
        self.searchAxes = searchAxes

        // The base spec must be valid on its own, or with the first value of each swept field
        // (a field a grid or a search gives, such as model.activation, need not be in the base
        // too); what a configuration gets wrong is its own error, below, naming it.
        var base = json
        if case let .object(members) = base { base = .object(members.filter { !Self.sweepKeys.contains($0.key) }) }
        let baseSpec: ExperimentSpec
        do { baseSpec = try ExperimentSpec(json: base, file: file) } catch {
            var first = base
            for axis in searchAxes + axes {
                if let value = axis.values.first, let set = try? first.setting(axis.path.components[...], to: value) { first = set }
            }
            guard let spec = try? ExperimentSpec(json: first, file: file) else { throw error }
            baseSpec = spec
        }
        name = baseSpec.name
        reportCurves = baseSpec.reportCurves
        figures = baseSpec.figures

        // Counted from the axes' lengths, with checked arithmetic, before anything is expanded.
        var total = baseSpec.seeds.count, overflow = false
        (total, overflow) = total.multipliedReportingOverflow(by: trials.count)
        for axis in axes where !overflow {
            (total, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
        }
        if overflow || total > maximumRuns {
            let count = overflow ? "more than \(Int.max)" : String(total)
            throw SpecError(file: file, path: "grid", message: maximumRuns < Self.maximumRuns
                ? "\(count) runs: more than 100,000; pass --yes to run them all (at most \(Self.maximumRuns))"
                : "\(count) runs: more than this tool plans at once (\(Self.maximumRuns)); split the grid into several specs")
        }
        // Each trial (one, without a search) crossed with the grid's cartesian product, first
        // axis slowest, then the seeds.
        var combinations: [[Int]] = [[]]
        for axis in axes { combinations = combinations.flatMap { c in axis.values.indices.map { c + [$0] } } }
        configurationCount = combinations.count * trials.count
        var runs = [PlannedRun]()
        var seenIDs = [String: Int]()
        let reused: (configurations: Int, runs: [PlannedRun]) = previous.map { ($0.configurationCount, $0.runs) } ?? (0, [])
        // A plan that grows a previous one takes its configurations as they are, and their ids'
        // counts with them (a plan cut shorter than the previous counts its ids again).
        let count = configurationCount
        let inherited = previous.map { $0.configurationCount <= count } ?? false
        if inherited, let previous {
            seenIDs = previous.configurationIDCounts
            runs = previous.runs
        }
        for c in (inherited ? reused.configurations : 0)..<configurationCount {
            let trial = c / combinations.count, combination = combinations[c % combinations.count]
            let reuse = c < reused.configurations
            var config = base
            var swept = [(label: String, value: JSONValue)]()
            var idParts = search == nil ? [] : ["trial=\(trial)"]
            for (axis, value) in zip(searchAxes, trials[trial]) {
                if !reuse {
                    do { config = try config.setting(axis.path.components[...], to: value) } catch {
                        throw SpecError(file: file, path: "search.space.\(axis.path)", message: "\(error.path) \(error.message)")
                    }
                }
                swept.append((axis.label, value))
                // Rounded for the id only (3 significant digits); config.json has every digit.
                var shown = value
                if case let .number(text) = value, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let x = Double(text) {
                    shown = .number(String(format: "%.3g", x))
                }
                idParts.append("\(axis.label)=\(GridAxis.valueLabel(shown))")
            }
            for (axis, v) in zip(axes, combination) {
                if !reuse {
                    do { config = try config.setting(axis.path.components[...], to: axis.values[v]) } catch {
                        throw SpecError(file: file, path: "grid.\(axis.path)", message: "\(error.path) \(error.message)")
                    }
                }
                swept.append((axis.label, axis.values[v]))
                idParts.append("\(axis.label)=\(GridAxis.valueLabel(axis.values[v]))")
            }
            if reuse {
                // The same configuration, its runs as they were (ids, configs, specs).
                let base = idParts.isEmpty ? "default" : idParts.joined(separator: ",")
                seenIDs[base, default: 0] += 1
                let k = baseSpec.seeds.count
                runs += reused.runs[(c * k)..<((c + 1) * k)]
                continue
            }
            let spec: ExperimentSpec
            do { spec = try ExperimentSpec(json: config, file: file) } catch {
                throw SpecError(file: file, path: error.path, message: "\(error.message) (in the \(search == nil ? "grid " : "")configuration \(idParts.joined(separator: ",")))")
            }
            var configurationID = idParts.joined(separator: ",")
            if configurationID.isEmpty { configurationID = "default" }
            if let n = seenIDs[configurationID] { seenIDs[configurationID] = n + 1; configurationID += "#\(n + 1)" } else { seenIDs[configurationID] = 1 }
            for seed in baseSpec.seeds {
                let id = (swept.isEmpty ? "" : configurationID + ",") + "seed=\(seed)"
                guard id.utf8.count <= 200 else {
                    throw SpecError(file: file, path: "grid", message: "the run id \"\(id.prefix(60))...\" is \(id.utf8.count) bytes long, more than a folder name takes (200): sweep fewer or shorter values")
                }
                var runConfig = try! config.setting([.key("seeds")], to: .array([.number(String(seed))]))
                if case let .object(members) = runConfig { runConfig = .object(members.filter { $0.key != "$schema" }) }
                runConfig = try! runConfig.setting([.key("name")], to: .string(GridAxis.valueLabel(.string("\(name)-\(id)"))))
                var runSpec = spec
                runSpec.seeds = [seed]
                runs.append(PlannedRun(index: runs.count, id: id, configurationID: configurationID, configurationIndex: c,
                                       seed: seed, swept: swept, config: runConfig, spec: runSpec, objective: objective, objectives: objectives))
            }
        }
        self.runs = runs
        configurationIDCounts = seenIDs
        seedCount = Set(runs.map(\.seed)).count
        if let s = json["scheduler"] {
            let epochs = Set(runs.map(\.spec.training.epochs))
            guard epochs.count == 1 else {
                throw SpecError(file: file, path: "scheduler", message: "rungs need one training.epochs for every configuration; the grid or search varies it")
            }
            scheduler = try SchedulerSpec(JSONReader(s, path: JSONPath([.key("scheduler")]), file: file), epochs: epochs.first!)
            if isMultiObjective {
                throw SpecError(file: file, path: "objectives", message: "a scheduler promotes configurations by one objective: give objective, or drop the scheduler")
            }
        }
        if isMultiObjective, search?.sampler == .tpe, !axes.isEmpty {
            throw SpecError(file: file, path: "objectives", message: "a multi-objective tpe search learns from one configuration per trial: move the grid's axes into search.space")
        }
    }
}
