import BackpropCore
import BackpropData
import Foundation

/// Where a spec's data comes from, how much of it is held out for validation, and how its
/// features are rescaled.
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
        /// A CSV file with a header (path resolved against the spec's directory).
        case csv(path: String, target: String, features: [String]?)
        /// Fashion-MNIST's IDX files; `samples` takes the first images of the training file.
        case fashionMNIST(directory: String, samples: Int?)
    }

    public var source: Source
    /// The fraction of rows held out, seeded by the dataset's `seed` (0 when absent).
    public var validation: Double
    /// The fraction of all rows held out as a test split (`dataset.test`), never used to
    /// choose anything: reported for the kept network. Fashion-MNIST has its own test set.
    public var test: Double
    public var seed: UInt64
    public var normalize: Normalization

    public static let keys = ["name", "samples", "noise", "classes", "seed", "validation", "test", "inputs", "targets",
                       "csv", "target", "features", "directory", "normalize"]
    /// Where Debian's `dataset-fashion-mnist` installs the IDX files: the default of
    /// `dataset.directory`.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"
    public static var names: [String] { TruthTable.allCases.map(\.rawValue) + Generated.allCases.map(\.rawValue) + ["fashion-mnist"] }

    /// - Parameter file: the spec's path; a relative CSV path is resolved against its directory.
    init(_ reader: JSONReader) throws(SpecError) {
        let o = try reader.object(allowed: Self.keys)
        seed = try o["seed"]?.uint64() ?? 0
        validation = try o["validation"]?.double() ?? 0
        if let v = o["validation"], !(0..<1).contains(validation) { throw v.error("validation must be a fraction from 0 up to (not including) 1") }
        test = try o["test"]?.double() ?? 0
        if let t = o["test"] {
            guard (0..<1).contains(test) else { throw t.error("test must be a fraction from 0 up to (not including) 1") }
            guard test + validation < 1 else { throw t.error("test (\(test)) and validation (\(validation)) together leave no training rows: their sum must be under 1") }
            if o.has("name"), case .string("fashion-mnist")? = o["name"]?.value { throw t.error("fashion-mnist keeps its own test set (10,000 images): remove dataset.test") }
        }
        normalize = try o["normalize"].map(Self.normalization) ?? Normalization.none
        // Keys that belong to other kinds of source are mistakes, named as such.
        let kind = o.has("csv") ? "csv" : o.has("name") ? "name" : "inline"
        let own: [String: [String]] = [
            "csv": ["csv", "target", "features"], "name": ["name", "samples", "noise", "classes", "directory"],
            "inline": ["inputs", "targets"],
        ]
        for key in own.values.flatMap({ $0 }) where o.has(key) && !own[kind]!.contains(key) {
            let what = kind == "csv" ? "a CSV dataset" : kind == "name" ? "a named dataset" : "inline data"
            throw o[key]!.error("\(what) takes no \"\(key)\"")
        }
        if let csvReader = o["csv"] {
            let path = try csvReader.string()
            guard !path.isEmpty else { throw csvReader.error("the CSV path is empty") }
            let resolved = path.hasPrefix("/") ? path : (URL(fileURLWithPath: reader.file).deletingLastPathComponent().path + "/" + path)
            var features: [String]?
            if let f = o["features"] {
                features = try f.nonEmptyArray().map { (r) throws(SpecError) -> String in try r.string() }
                if Set(features!).count != features!.count { throw f.error("a feature is listed twice") }
            }
            source = .csv(path: resolved, target: try o.required("target").string(), features: features)
        } else if let nameReader = o["name"] {
            for key in ["inputs", "targets"] where o.has(key) { throw o[key]!.error("inline data goes without \"name\"") }
            let name = try nameReader.string()
            if name != "fashion-mnist", let d = o["directory"] { throw d.error("only fashion-mnist reads a directory") }
            if name == "fashion-mnist" {
                for key in ["noise", "classes"] where o.has(key) { throw o[key]!.error("fashion-mnist takes no \(key)") }
                let samples = try o["samples"]?.int()
                if let s = samples, s < 2 { throw o["samples"]!.error("samples must be at least 2") }
                source = .fashionMNIST(directory: try o["directory"]?.string() ?? Self.fashionMNISTDirectory, samples: samples)
            } else if let table = TruthTable(rawValue: name) {
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

    /// "standard", "minmax", "none", or {"scale": c}.
    static func normalization(_ r: JSONReader) throws(SpecError) -> Normalization {
        if case .string(let name) = r.value {
            switch name {
            case "standard": return .standard
            case "minmax": return .minmax
            case "none": return Normalization.none
            case "scale": throw r.error("scale needs its divisor: {\"scale\": 255}")
            default: throw r.error("unknown normalization \"\(name)\"" + hint(name, ["standard", "minmax", "none", "scale"]))
            }
        }
        let o = try r.object(allowed: ["scale"])
        let c = try o.required("scale")
        let value = try c.double()
        guard value > 0, value.isFinite else { throw c.error("the scale divisor must be positive") }
        return .scale(value)
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
        case .fashionMNIST: return FashionMNIST.classNames.count
        case .csv: return nil
        }
    }

    /// Rows that are 0/1 with a single 1 each (or a single 0/1 column) read as class labels.
    static func oneHotClasses(_ rows: [[Double]]) -> Int? {
        guard let k = rows.first?.count else { return nil }
        if k == 1 { return rows.allSatisfy { $0[0] == 0 || $0[0] == 1 } ? 2 : nil }
        return rows.allSatisfy { r in r.allSatisfy { $0 == 0 || $0 == 1 } && r.reduce(0, +) == 1 } ? k : nil
    }

    /// The sets of the experiment in precision T: the data with targets shaped for a network
    /// of `outputs` units, split, then normalised on the training set's statistics.
    /// - Parameter loss: with a CSV file, a cross-entropy loss (or several outputs) reads the
    ///   target column as class labels, otherwise as numbers to regress.
    public func build<T: Scalar>(as: T.Type = T.self, outputs: Int, loss: Loss, file: String) throws -> DataSplits<T> {
        var splits: DataSplits<T>
        if case let .fashionMNIST(directory, samples) = source {
            try Self.checkClasses(outputs: outputs, classes: FashionMNIST.classNames.count, file: file)
            splits = try FashionMNIST.load(directory: directory, samples: samples, validation: validation, seed: seed, outputs: outputs, as: T.self)
        } else {
            let (data, names) = try fullDataset(outputs: outputs, loss: loss, file: file)
            let (training, validation, test) = data.split(validationFraction: validation, testFraction: self.test, seed: seed)
            splits = DataSplits(training: training, validation: validation, test: test).converted(to: T.self)
            splits.featureNames = names
        }
        try Self.checkFinite(splits, what: "value", file: file)
        splits.normalize(normalize)
        try Self.checkFinite(splits, what: "value after normalisation", file: file)
        return splits
    }

    /// NaN or infinity in the inputs would only surface as a diverged run; it is a data error.
    static func checkFinite<T: Scalar>(_ splits: DataSplits<T>, what: String, file: String) throws(SpecError) {
        for (name, set) in [("training", splits.training), ("validation", splits.validation), ("test", splits.test)] {
            guard let set, let bad = set.inputs.elements.firstIndex(where: { !$0.isFinite }) ?? set.targets.elements.firstIndex(where: { !$0.isFinite }).map({ _ in 0 }) else { continue }
            let row = bad / max(set.features, 1)
            throw SpecError(file: file, path: "dataset", message: "the \(name) data has a \(what) that is not finite (row \(row + 1)); check noise, scale and the data file")
        }
    }

    static func checkClasses(outputs: Int, classes: Int, file: String) throws(SpecError) {
        guard outputs == classes || (outputs == 1 && classes == 2) else {
            throw SpecError(file: file, path: "model.layers",
                            message: "the output layer has \(outputs) unit\(outputs == 1 ? "" : "s") but the dataset has \(classes) classes (use \(classes) units\(classes == 2 ? ", or 1 sigmoid unit" : ""))")
        }
    }

    /// The whole dataset, before any split, for the sources small enough to build in double
    /// precision, and its input columns' names (a CSV file's; x1, x2, … for the others).
    func fullDataset(outputs: Int, loss: Loss, file: String) throws -> (Dataset<Double>, [String]) {
        let data: Dataset<Double>
        func labelled(_ set: SyntheticData.Labelled, classes: Int) throws(SpecError) -> Dataset<Double> {
            try Self.checkClasses(outputs: outputs, classes: classes, file: file)
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
        case let .csv(path, target, features):
            let classification = loss == .crossEntropy || loss == .binaryCrossEntropy || outputs > 1
            let table = try CSVDataset(path: path, target: target, features: features, classification: classification)
            switch table.target {
            case let .classes(labels, names)?:
                try Self.checkClasses(outputs: outputs, classes: names.count, file: file)
                data = Dataset(inputs: table.inputs, labels: labels, classes: names.count, outputs: outputs, classNames: names)
            case let .values(values)?:
                data = Dataset(inputs: table.inputs, targets: Matrix(rows: values.count, columns: 1, elements: values))
            case nil:
                preconditionFailure("the target column is required here")
            }
            return (data, table.featureNames)
        case .fashionMNIST:
            preconditionFailure("fashion-mnist is read by build, straight into its precision")
        }
        return (data, (1...max(data.features, 1)).map { "x\($0)" })
    }
}
