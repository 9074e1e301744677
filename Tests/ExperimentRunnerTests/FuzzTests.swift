import BackpropCore
import BackpropData
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Hostile input: the example specs and small data files, mutated at random (deletions, type
/// swaps, huge and negative numbers, deep nesting, invalid UTF-8, ragged and non-numeric
/// CSV rows, damaged IDX files), and the classes of `HostileFuzzTests`. Every case must end
/// in a clear one-line error or a valid result:
/// a trap would end this test process, and the test with it.
///
/// `make test` runs 500 cases; `make fuzz` runs many more (BACKPROP_FUZZ_CASES) from a seed
/// of its own (BACKPROP_FUZZ_SEED), printed so a failure can be replayed.
@Suite struct FuzzTests {
    static let cases = ProcessInfo.processInfo.environment["BACKPROP_FUZZ_CASES"].flatMap(Int.init) ?? 500
    /// How long one fuzz target may run at most (BACKPROP_FUZZ_SECONDS; 60 s in `make test`),
    /// whichever of it and `cases` ends first.
    static let seconds = ProcessInfo.processInfo.environment["BACKPROP_FUZZ_SECONDS"].flatMap(Double.init) ?? 60
    static let seed = ProcessInfo.processInfo.environment["BACKPROP_FUZZ_SEED"].flatMap(UInt64.init) ?? 20261125

    static let specs: [(name: String, text: [UInt8])] = {
        let dir = packageRoot + "/experiments"
        return try! FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            .filter { $0.hasSuffix(".json") && $0 != "spec.schema.json" }
            .map { ($0, Array(try! Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)))) }
    }()

    let dir = temporaryDirectory()

    /// The outcome of one case: what the program would do with it, short of writing results.
    enum Outcome { case rejected, trained }

    /// Decode, validate, build the data and, when the spec is small, train its first run for
    /// a few epochs in memory.
    func attempt(_ bytes: [UInt8], file: String) -> Outcome {
        attempt(file: file) { try SweepPlan(json: try JSONParser.parse(bytes), file: file) }
    }

    /// The same, for a plan `load` makes (a YAML spec from its file).
    func attempt(file: String, _ load: () throws -> SweepPlan) -> Outcome {
        do {
            let plan = try load()
            guard plan.runs.count <= 64, let first = plan.runs.first else { return .rejected }
            // Generated data can be asked for in millions of points: valid, but not for a unit test.
            if case let .generated(_, samples, _, _, _) = first.spec.dataset.source, samples > 5_000 { return .rejected }
            if case .fashionMNIST = first.spec.dataset.source { return .rejected }
            let data = try plan.buildData()
            var run = first
            run.spec.training.epochs = min(run.spec.training.epochs, 3)
            // Valid but heavy (the limits allow 100 million parameters): not for a unit test.
            guard Network<Double>.parameterCount(inputs: data[run.index]!.features, architecture: run.spec.model.layers) < 2_000_000 else { return .rejected }
            _ = data[run.index]!.splits.train(run, cancellation: Cancellation(), clock: Stopwatch(), checkpoints: nil, until: nil)
            return .trained
        } catch let error as JSONParser.SyntaxError {
            // `load` puts the file name in front of these (tested in SpecTests).
            #expect(!"\(error)".contains("\n") && "\(error)".hasPrefix("line "), "\(error)")
            return .rejected
        } catch {
            // A user-input error, on one line, naming the file.
            #expect(error is SpecError || error is DataError, "\(type(of: error)): \(error)")
            #expect(!"\(error)".contains("\n") && "\(error)".count > file.count, "\(error)")
            return .rejected
        }
    }

    @Test func mutatedSpecsAndDataNeverTrap() throws {
        var rng = Xoshiro256StarStar(seed: Self.seed)
        print("fuzz: \(Self.cases) cases from seed \(Self.seed)")
        var outcomes = [0, 0]
        let csv = try String(contentsOfFile: packageRoot + "/experiments/data/iris.csv", encoding: .utf8)
            .split(separator: "\n").prefix(31).joined(separator: "\n") + "\n"
        let deadline = Date().addingTimeInterval(Self.seconds)
        for n in 0..<Self.cases where Date() < deadline {
            let outcome: Outcome
            switch n % 3 {
            case 0, 1:
                let (name, text) = Self.specs[rng.nextIndex(below: Self.specs.count)]
                let mutated = Mutator.mutate(spec: text, rng: &rng)
                outcome = attempt(mutated, file: name)
            default:
                // A CSV dataset, mutated, behind a valid spec.
                let data = Mutator.mutate(csv: csv, rng: &rng)
                let csvPath = dir + "/data-\(n).csv"
                try Data(data).write(to: URL(fileURLWithPath: csvPath))
                let spec = #"{"name": "fuzz", "dataset": {"csv": "\#(csvPath)", "target": "species", "validation": 0.2, "normalize": "standard"}, "#
                    + #""model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 3, "activation": "softmax"}]}, "#
                    + #""loss": "cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01}, "training": {"epochs": 2, "batch_size": 8}}"#
                outcome = attempt(Array(spec.utf8), file: "fuzz.json")
            }
            outcomes[outcome == .rejected ? 0 : 1] += 1
        }
        // Both kinds happen: the mutations are neither all fatal nor all harmless.
        let done = outcomes[0] + outcomes[1]
        #expect(outcomes[0] > done / 10 && outcomes[1] > done / 20, "rejected \(outcomes[0]), trained \(outcomes[1])")
    }

    /// YAML specs: the YAML example, mutated byte by byte and with YAML's own syntax (anchors,
    /// aliases, tags, block scalars, flow brackets, directives, tabs, stray indentation): a
    /// one-line error naming the file (with line and column where it has them) or a valid plan.
    @Test func mutatedYAMLSpecsNeverTrap() throws {
        let yaml = Array(try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/experiments/moons-sweep.yaml")))
        let tokens = ["&a ", "*a", "*b", "!!str ", "!!binary ", "|\n", ">-\n", ": ", "- ", "[", "{", "]", "}", "? ", "%YAML 1.2\n", "%TAG ! x\n",
                      "\t", "\n  ", "\n- ", "'", "\"", "#", ",", "<<: *a\n", "---\n", "...\n", "\u{FEFF}", "\r", "1e999", "-0", "~"]
        var rng = Xoshiro256StarStar(seed: Self.seed &+ 5)
        let deadline = Date().addingTimeInterval(Self.seconds)
        var outcomes = [0, 0]
        for n in 0..<max(Self.cases / 2, 40) where Date() < deadline {
            var b = yaml
            for _ in 0..<(1 + rng.nextIndex(below: 3)) {
                if rng.nextIndex(below: 3) == 0 {
                    b = Mutator.mutate(spec: b, rng: &rng)
                } else {
                    b.insert(contentsOf: Array(tokens[rng.nextIndex(below: tokens.count)].utf8), at: rng.nextIndex(below: b.count + 1))
                }
            }
            let file = dir + "/fuzz-\(n).yaml"
            writeFile(b, to: file)
            let outcome = attempt(file: file) { try SweepPlan.load(file: file) }
            outcomes[outcome == .rejected ? 0 : 1] += 1
        }
        let done = outcomes[0] + outcomes[1]
        #expect(outcomes[0] > done / 10 && outcomes[1] > done / 20, "rejected \(outcomes[0]), trained \(outcomes[1])")
    }

    /// model.json, mutated as specs are (a run folder handed over for `predict`): the kept
    /// model loads and predicts, or it is a one-line error naming the file; never a trap, never
    /// a non-finite output from finite rows.
    @Test func mutatedModelsNeverTrap() async throws {
        let plan = try SweepPlan(json: try JSONParser.parse(#"""
            {"name": "kept", "dataset": {"name": "spirals", "samples": 60, "classes": 3, "validation": 0.2, "normalize": "standard"},
             "model": {"layers": [{"units": 4, "activation": "relu"}, {"units": 3, "activation": "softmax"}]},
             "loss": "cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 3}, "seeds": [1]}
            """#), file: "kept.json")
        let root = dir + "/kept"
        _ = try await Sweep(plan: plan, jobs: 1, resultsRoot: root, gnuplot: nil).run(progress: Progress(style: .quiet, total: 1))
        let run = root + "/kept/runs/seed=1"
        let model = Array(try Data(contentsOf: URL(fileURLWithPath: run + "/model.json")))
        let rows = writeFile("x1,x2,target\n0.5,-1,0\n2,3,1\n-4,0.25,2\n", to: dir + "/rows.csv")
        var rng = Xoshiro256StarStar(seed: Self.seed &+ 3)
        let deadline = Date().addingTimeInterval(Self.seconds)
        var loaded = 0, n = 0
        while n < max(Self.cases / 5, 40) && Date() < deadline {
            n += 1
            writeFile(Mutator.mutate(spec: model, rng: &rng), to: run + "/model.json")
            do {
                let kept = try KeptModel(folder: run)
                let (outputs, evaluation) = kept.apply(try kept.read(rows))
                #expect(outputs.elements.allSatisfy(\.isFinite) || evaluation != nil)
                loaded += 1
            } catch {
                #expect(error is ResultsError || error is DataError || error is SpecError, "\(type(of: error)): \(error)")
                #expect(("\(error)".hasPrefix(run) || "\(error)".hasPrefix(rows)) && !"\(error)".contains("\n"), "\(error)")
            }
        }
        #expect(loaded < n, "some mutations must be refused")
    }

    @Test func damagedIDXFilesAreErrors() throws {
        var rng = Xoshiro256StarStar(seed: Self.seed &+ 1)
        // A tiny Fashion-MNIST: 20 training and 10 test images.
        func files(_ images: Int) -> (images: [UInt8], labels: [UInt8]) {
            (idxBytes(dimensions: [images, 28, 28], values: (0..<(images * 784)).map { UInt8($0 % 256) }),
             idxBytes(dimensions: [images], values: (0..<images).map { UInt8($0 % 10) }))
        }
        let train = files(20), test = files(10)
        var loaded = 0
        for n in 0..<max(Self.cases / 10, 20) {
            let folder = dir + "/idx-\(n)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var set = [("train-images-idx3-ubyte", train.images), ("train-labels-idx1-ubyte", train.labels),
                       ("t10k-images-idx3-ubyte", test.images), ("t10k-labels-idx1-ubyte", test.labels)]
            let k = rng.nextIndex(below: 4)
            set[k].1 = Mutator.damage(idx: set[k].1, rng: &rng)
            for (name, bytes) in set { writeFile(bytes, to: folder + "/" + name + ".gz", gzip: rng.nextIndex(below: 2) == 0) }
            do {
                let d: DataSplits<Float> = try FashionMNIST.load(directory: folder, validation: 0.2, seed: 0, outputs: 10)
                #expect(d.training.count + (d.validation?.count ?? 0) == 20)
                loaded += 1
            } catch {
                #expect(error.description.hasPrefix(folder))
            }
        }
        #expect(loaded < max(Self.cases / 10, 20))
    }
}

/// The mutations.
enum Mutator {
    static let numbers = ["-1", "0", "-0", "1e308", "-1e308", "1e400", "-1e400", "18446744073709551616", "18446744073709551615",
                          "-9223372036854775809", "9223372036854775807", "2.5", "1e-320", "-2.5", "1000000000", "4294967297"]
    static let values: [JSONValue] = [.null, .bool(true), .string("x"), .string(""), .array([]), .object([]), .number("3"),
                                      .array([.number("1")]), .string("sigmoid"), .string("fashion-mnist")]

    static func mutate(spec: [UInt8], rng: inout Xoshiro256StarStar) -> [UInt8] {
        switch rng.nextIndex(below: 7) {
        case 0:  // delete a random stretch
            var b = spec
            let start = rng.nextIndex(below: b.count), length = 1 + rng.nextIndex(below: min(40, b.count - start))
            b.removeSubrange(start..<(start + length))
            return b
        case 1:  // invalid UTF-8
            var b = spec
            b.insert([0xFF, 0xC0, 0x80, 0xED, 0xA0][rng.nextIndex(below: 5)], at: rng.nextIndex(below: b.count))
            return b
        case 2:  // deep nesting
            let depth = [10, 255, 300, 5000][rng.nextIndex(below: 4)]
            return Array(repeating: UInt8(ascii: "["), count: depth) + spec + Array(repeating: UInt8(ascii: "]"), count: depth)
        default:
            guard let json = try? JSONParser.parse(spec) else { return spec }
            var paths = [[JSONPath.Component]]()
            collect(json, [], into: &paths)
            guard !paths.isEmpty else { return spec }
            let path = paths[rng.nextIndex(below: paths.count)]
            let old = json.at(path)
            let new: JSONValue
            if case .number = old, rng.nextIndex(below: 3) > 0 {
                new = .number(numbers[rng.nextIndex(below: numbers.count)])  // huge and negative numbers
            } else if rng.nextIndex(below: 4) == 0 {
                new = .array(Array(repeating: old ?? .null, count: 1 + rng.nextIndex(below: 3)))  // wrapped or repeated
            } else {
                new = values[rng.nextIndex(below: values.count)]  // a type swap
            }
            return Array(json.replacing(path[...], with: new).serialized(indent: nil).utf8)
        }
    }

    static func collect(_ v: JSONValue, _ path: [JSONPath.Component], into out: inout [[JSONPath.Component]]) {
        if !path.isEmpty { out.append(path) }
        switch v {
        case let .array(items): for (i, item) in items.enumerated() { collect(item, path + [.index(i)], into: &out) }
        case let .object(members): for m in members { collect(m.value, path + [.key(m.key)], into: &out) }
        default: break
        }
    }

    static func mutate(csv: String, rng: inout Xoshiro256StarStar) -> [UInt8] {
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let row = 1 + rng.nextIndex(below: max(lines.count - 2, 1))
        var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        switch rng.nextIndex(below: 8) {
        case 0: fields.removeLast()                                              // ragged: short
        case 1: fields.append("7")                                               // ragged: long
        case 2: fields[rng.nextIndex(below: fields.count)] = ["abc", "", "nan", "inf", "1e999", "--1", "0x10", " "][rng.nextIndex(below: 8)]
        case 3: fields[0] = "\"unclosed"
        case 4: return []                                                        // empty file
        case 5: return Array((lines[0] + "\n").utf8)                             // header only
        case 6: lines[0] = lines[0].replacingOccurrences(of: "species", with: "kind")  // no target column
        default: fields[fields.count - 1] = "\"a \"\"quoted\"\" label\""          // valid: a new class
        }
        lines[row] = fields.joined(separator: ",")
        return Array(lines.joined(separator: "\n").utf8)
    }

    static func damage(idx: [UInt8], rng: inout Xoshiro256StarStar) -> [UInt8] {
        var b = idx
        switch rng.nextIndex(below: 5) {
        case 0: b.removeLast(1 + rng.nextIndex(below: b.count))                          // truncated
        case 1: b[rng.nextIndex(below: 4)] ^= 0xFF                                      // bad magic
        case 2: b[4 + rng.nextIndex(below: min(8, b.count - 4))] = 0xFF                  // impossible size
        case 3: b[3] = [0, 5, 200][rng.nextIndex(below: 3)]                              // bad rank
        default: b += [1, 2, 3]                                                  // trailing bytes (harmless)
        }
        return b
    }
}

extension JSONValue {
    func at(_ path: [JSONPath.Component]) -> JSONValue? {
        var v: JSONValue? = self
        for c in path {
            switch (c, v) {
            case let (.key(k), .object(m)?): v = m.first { $0.key == k }?.value
            case let (.index(i), .array(a)?): v = a.indices.contains(i) ? a[i] : nil
            default: return nil
            }
        }
        return v
    }

    func replacing(_ path: ArraySlice<JSONPath.Component>, with new: JSONValue) -> JSONValue {
        guard let head = path.first else { return new }
        switch (head, self) {
        case let (.key(k), .object(m)): return .object(m.map { $0.key == k ? ($0.key, $0.value.replacing(path.dropFirst(), with: new)) : $0 })
        case let (.index(i), .array(a)): return .array(a.enumerated().map { $0.offset == i ? $0.element.replacing(path.dropFirst(), with: new) : $0.element })
        default: return self
        }
    }
}
