import BackpropCore

/// Where a spec's data comes from, and how much of it is held out for validation.
public struct DatasetSpec: Sendable, Equatable {
    public enum Generated: String, CaseIterable, Sendable {
        case moons, circles, spirals, blobs, sine
    }
    public enum TruthTable: String, CaseIterable, Sendable {
        case xor, and, or
    }
    public enum Source: Sendable, Equatable {
        case truthTable(TruthTable)
        case generated(Generated, samples: Int, noise: Double, classes: Int, seed: UInt64)
        /// Inline rows: targets are rows of numbers, or one class label per row.
        case inline(inputs: [[Double]], targets: [[Double]]?, labels: [Int]?)
    }

    public var source: Source
    /// The fraction of rows held out, seeded by the dataset's `seed` (0 when absent).
    public var validation: Double
    public var seed: UInt64

    static let keys = ["name", "samples", "noise", "classes", "seed", "validation", "inputs", "targets"]
    static var names: [String] { TruthTable.allCases.map(\.rawValue) + Generated.allCases.map(\.rawValue) }

    init(_ reader: JSONReader) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        seed = try o["seed"]?.uint64() ?? 0
        validation = try o["validation"]?.double() ?? 0
        if let v = o["validation"], !(0..<1).contains(validation) { throw v.error("validation must be a fraction from 0 up to (not including) 1") }
        if let nameReader = o["name"] {
            for key in ["inputs", "targets"] where o.has(key) { throw o[key]!.error("inline data goes without \"name\"") }
            let name = try nameReader.string()
            if let table = TruthTable(rawValue: name) {
                for key in ["samples", "noise", "classes"] where o.has(key) { throw o[key]!.error("the \(name) truth table takes no \(key)") }
                source = .truthTable(table)
            } else if let kind = Generated(rawValue: name) {
                let samples = try o["samples"]?.int() ?? 200
                guard (2...10_000_000).contains(samples) else { throw o["samples"]!.error("samples must be from 2 to 10000000") }
                let noise = try o["noise"]?.double() ?? (kind == .blobs ? 1.0 : kind == .spirals ? 0.2 : 0.1)
                guard noise >= 0 else { throw o["noise"]!.error("noise must be 0 or more") }
                let classes = try o["classes"]?.int() ?? (kind == .spirals ? 3 : 2)
                switch kind {
                case .spirals, .blobs:
                    guard (2...100).contains(classes) else { throw o["classes"]!.error("classes must be from 2 to 100") }
                default:
                    if o.has("classes") { throw o["classes"]!.error("\(name) has a fixed number of classes; \"classes\" applies to spirals and blobs") }
                }
                source = .generated(kind, samples: samples, noise: noise, classes: classes, seed: seed)
            } else {
                throw nameReader.error("unknown dataset \"\(name)\"" + hint(name, Self.names))
            }
        } else {
            let inputsReader = try o.required("inputs")
            let inputs = try Self.rows(inputsReader)
            let targetsReader = try o.required("targets")
            let items = try targetsReader.nonEmptyArray()
            guard items.count == inputs.count else {
                throw targetsReader.error("\(items.count) targets for \(inputs.count) input rows")
            }
            if case .array = items[0].value {
                source = .inline(inputs: inputs, targets: try Self.rows(targetsReader), labels: nil)
            } else {
                var labels = [Int]()
                for item in items {
                    let label = try item.int()
                    guard label >= 0 else { throw item.error("class labels are 0, 1, 2, ...") }
                    labels.append(label)
                }
                source = .inline(inputs: inputs, targets: nil, labels: labels)
            }
        }
    }

    /// A non-empty rectangle of finite numbers.
    static func rows(_ reader: JSONReader) throws(SpecError) -> [[Double]] {
        var rows = [[Double]]()
        for row in try reader.nonEmptyArray() {
            var values = [Double]()
            for v in try row.nonEmptyArray() { values.append(try v.double()) }
            if let first = rows.first, first.count != values.count {
                throw row.error("\(values.count) values where the first row has \(first.count)")
            }
            rows.append(values)
        }
        return rows
    }

    /// The number of classes, when the data is labelled.
    public var classes: Int? {
        switch source {
        case .truthTable: return 2
        case let .generated(kind, _, _, classes, _): return kind == .sine ? nil : classes
        case let .inline(_, targets, labels):
            if let labels { return (labels.max() ?? 0) + 1 }
            return targets.flatMap(Self.oneHotClasses)
        }
    }

    /// Rows that are 0/1 with a single 1 each (or a single 0/1 column) read as class labels.
    static func oneHotClasses(_ rows: [[Double]]) -> Int? {
        guard let k = rows.first?.count else { return nil }
        if k == 1 { return rows.allSatisfy { $0[0] == 0 || $0[0] == 1 } ? 2 : nil }
        return rows.allSatisfy { r in r.allSatisfy { $0 == 0 || $0 == 1 } && r.reduce(0, +) == 1 } ? k : nil
    }

    /// The full dataset, targets shaped for a network with `outputs` units, then split.
    public func build(outputs: Int, file: String) throws(SpecError) -> (training: Dataset<Double>, validation: Dataset<Double>?) {
        let data: Dataset<Double>
        func labelled(_ set: SyntheticData.Labelled, classes: Int) throws(SpecError) -> Dataset<Double> {
            guard outputs == classes || (outputs == 1 && classes == 2) else {
                throw SpecError(file: file, path: "model.layers",
                                message: "the output layer has \(outputs) unit\(outputs == 1 ? "" : "s") but the dataset has \(classes) classes (use \(classes) units, or 1 sigmoid unit for 2 classes)")
            }
            return Dataset(inputs: set.inputs, labels: set.labels, classes: classes, outputs: outputs)
        }
        switch source {
        case let .truthTable(table):
            let op: (Bool, Bool) -> Bool = table == .xor ? { $0 != $1 } : table == .and ? { $0 && $1 } : { $0 || $1 }
            data = try labelled(SyntheticData.truthTable(op), classes: 2)
        case let .generated(kind, samples, noise, classes, seed):
            switch kind {
            case .moons: data = try labelled(SyntheticData.moons(samples: samples, noise: noise, seed: seed), classes: 2)
            case .circles: data = try labelled(SyntheticData.circles(samples: samples, noise: noise, seed: seed), classes: 2)
            case .spirals: data = try labelled(SyntheticData.spirals(samples: samples, classes: classes, noise: noise, seed: seed), classes: classes)
            case .blobs: data = try labelled(SyntheticData.blobs(samples: samples, classes: classes, noise: noise, seed: seed), classes: classes)
            case .sine:
                let s = SyntheticData.sine(samples: samples, noise: noise, seed: seed)
                data = Dataset(inputs: Matrix(s.inputs), targets: Matrix(s.targets))
            }
        case let .inline(inputs, targets, labels):
            if let labels {
                data = try labelled(.init(inputs: inputs, labels: labels), classes: (labels.max() ?? 0) + 1)
            } else {
                let targets = targets!
                let classes = Self.oneHotClasses(targets)
                let rowLabels = classes.map { _ in targets.map { $0.count == 1 ? Int($0[0]) : $0.firstIndex(of: 1)! } }
                data = Dataset(inputs: Matrix(inputs), targets: Matrix(targets), labels: rowLabels)
            }
        }
        return data.split(validationFraction: validation, seed: seed)
    }
}
