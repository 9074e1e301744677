import BackpropCore
import BackpropData
import CZlib
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// Hostile input never traps, and no two processes or changed files mix results (issue 12).
@Suite struct HostileInputTests {
    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func plan(_ json: String, file: String = "h.json", sets: [String] = [], maximumRuns: Int = SweepPlan.maximumRuns) throws -> SweepPlan {
        try SweepPlan(json: try JSONParser.parse(json), file: file, overrides: try sets.map { try Override.parse($0) }, maximumRuns: maximumRuns)
    }

    static func run(_ plan: SweepPlan, root: String, force: Bool = false) async throws -> Sweep.Report {
        var sweep = Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil)
        sweep.force = force
        return try await sweep.run(progress: Progress(style: .quiet, total: plan.runs.count))
    }

    /// An images file of one item of (2^32-1)^3 pixels: its sizes overflow; a clear error.
    @Test func idxSizesThatOverflowAreAnError() throws {
        let dir = temporaryDirectory()
        let big = 0xFFFF_FFFF
        let path = writeFile(idxBytes(dimensions: [1, big, big, big], values: []), to: dir + "/images")
        #expect { _ = try IDXReader(path: path) } throws: { error in
            "\(error)" == "\(path): IDX dimensions 1 x 4294967295 x 4294967295 x 4294967295 are empty or impossibly large"
        }
        let wide = writeFile(idxBytes(dimensions: [1, 1 << 13, 1 << 12], values: []), to: dir + "/wide")
        #expect { _ = try IDXReader(path: wide) } throws: { error in
            "\(error)" == "\(wide): IDX items of 33554432 elements: more than backprop reads (16777216 per item)"
        }
    }

    /// Early stopping whose stratified validation split is empty (one row per class) is a
    /// spec error before anything trains, not a trap in the training loop.
    @Test func earlyStoppingWithAnEmptyValidationSplit() throws {
        let plan = try Self.plan(#"""
        {"name": "es", "dataset": {"inputs": [[0], [1], [2]], "targets": [0, 1, 2], "validation": 0.3},
         "model": {"layers": [{"units": 3, "activation": "softmax"}]}, "loss": "cross_entropy",
         "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 5, "early_stopping": {"patience": 2}}}
        """#)
        #expect { _ = try plan.buildData() } throws: { error in
            "\(error)".hasPrefix("h.json: training.early_stopping: the validation split holds no rows")
        }
    }

    /// A grid of 10^9 runs is refused from its axes' lengths, before any expansion; so is
    /// one whose count overflows; above 100,000 a run needs --yes.
    @Test func enormousGridsAreCountedBeforeExpanding() throws {
        let thousand = "[" + (1...1000).map(String.init).joined(separator: ",") + "]"
        let json = #"""
        {"name": "huge", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1},
         "grid": {"dataset.seed": \#(thousand), "training.epochs": \#(thousand), "model.layers[0].units": \#(thousand)}}
        """#
        #expect { _ = try Self.plan(json) } throws: { error in
            "\(error)" == "h.json: grid: 1000000000 runs: more than this tool plans at once (1000000); split the grid into several specs"
        }
        let seeds = "[" + (1...200).map(String.init).joined(separator: ",") + "]"
        let medium = json.replacingOccurrences(of: #""training.epochs": \#(thousand), "model.layers[0].units": \#(thousand)"#, with: #""training.epochs": [1]"#)
            .replacingOccurrences(of: #""training": {"epochs": 1},"#, with: #""training": {"epochs": 1}, "seeds": \#(seeds),"#)
        #expect { _ = try Self.plan(medium, maximumRuns: 100_000) } throws: { error in
            "\(error)" == "h.json: grid: 200000 runs: more than 100,000; pass --yes to run them all (at most 1000000)"
        }
    }

    /// Every allocation proportional to width × rows is bounded: an evaluation workspace
    /// holds fewer rows for a very wide network.
    @Test func evaluationMemoryIsBoundedWhateverTheWidth() {
        let wide = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 1_000_000, activation: .relu), LayerSpec(units: 1, activation: .sigmoid)],
                                   initialization: .uniform(low: 0, high: 0), seed: 0)
        let rows = Workspace<Double>.evaluationRows(for: wide, rows: 1000)
        #expect(rows == 5)  // ⌊2^24 / (3·1,000,001 + 2 + 1)⌋
        #expect(rows * (3 * 1_000_001 + 3) <= Workspace<Double>.evaluationElements)
        let narrow = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 8, activation: .relu)], initialization: .xavier, seed: 0)
        #expect(Workspace<Double>.evaluationRows(for: narrow, rows: 5000) == 1024)
        #expect(Workspace<Double>.evaluationRows(for: narrow, rows: 0) == 0)
    }

    static let tiny = #"""
    {"name": "two", "dataset": {"name": "moons", "samples": 40, "validation": 0.25},
     "model": {"layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 30}, "seeds": [1, 2, 3, 4]}
    """#

    /// Two sweeps with different configurations on one empty folder at once: one trains, the
    /// other refuses before it trains anything, and every run on disk is the first's.
    @Test func twoConfigurationsAtOnceNeverMix() async throws {
        let root = temporaryDirectory()
        let a = try Self.plan(Self.tiny), b = try Self.plan(Self.tiny, sets: ["training.epochs=7"])
        func attempt(_ plan: SweepPlan) async -> Result<Sweep.Report, Error> {
            do { return .success(try await Self.run(plan, root: root)) } catch { return .failure(error) }
        }
        async let first = attempt(a)
        async let second = attempt(b)
        let outcomes = await [first, second]
        let failures = outcomes.compactMap { outcome -> ResultsError? in
            if case let .failure(e) = outcome { return e as? ResultsError }
            return nil
        }
        #expect(failures.count == 1)
        #expect(failures.first?.message.hasPrefix("holds a different configuration than this spec's run") == true)
        let winner = outcomes.firstIndex { if case .success = $0 { true } else { false } }!
        let epochs = winner == 0 ? 30 : 7
        for seed in 1...4 {
            let status = StatusFile(text: try read(root + "/two/runs/seed=\(seed)/status.json"))
            #expect(status?.epochs == epochs)
        }
    }

    /// gzip data cut short, or followed by other bytes, is a data error naming the file,
    /// never a shorter file; concatenated members still read as one.
    @Test func damagedCompressedDataIsAnError() throws {
        let dir = temporaryDirectory()
        let iris = try String(contentsOfFile: packageRoot + "/experiments/data/iris.csv", encoding: .utf8)
        let whole = writeFile(iris, to: dir + "/whole.csv.gz", gzip: true)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: whole)))
        #expect(try GzipFile.contents(of: whole) == Array(iris.utf8))
        let cut = writeFile(Array(bytes.prefix(698)), to: dir + "/cut.csv.gz")
        #expect { _ = try GzipFile.contents(of: cut) } throws: { "\($0)" == "\(cut): truncated: the compressed data ends before its gzip stream does" }
        let trailing = writeFile(bytes + Array("garbage".utf8), to: dir + "/trailing.csv.gz")
        #expect { _ = try GzipFile.contents(of: trailing) } throws: { "\($0)" == "\(trailing): damaged compressed data: other data follows the gzip stream" }
        var flipped = bytes
        flipped[bytes.count - 6] ^= 0xFF  // the CRC
        let crc = writeFile(flipped, to: dir + "/crc.csv.gz")
        #expect { _ = try GzipFile.contents(of: crc) } throws: { "\($0)" == "\(crc): damaged compressed data: incorrect data check" }
        let twice = writeFile(bytes + bytes, to: dir + "/twice.csv.gz")
        #expect(try GzipFile.contents(of: twice) == Array((iris + iris).utf8))
        #expect(try GzipFile.contents(of: writeFile(iris, to: dir + "/plain.csv")) == Array(iris.utf8))
        // 0x1F then not 0x8B is no gzip magic: a plain file, read as it is (what the fuzzer met).
        let almost: [UInt8] = [0x1F, 0x41, 0x42, 0x0A, 0x00, 0xFF]
        #expect(try GzipFile.contents(of: writeFile(almost, to: dir + "/almost.csv.gz")) == almost)
        // Cut inside the 10-byte gzip header: truncated.
        for n in [2, 3, 6, 9, 10] {
            let header = writeFile(Array(bytes.prefix(n)), to: dir + "/header-\(n).csv.gz")
            #expect { _ = try GzipFile.contents(of: header) } throws: { "\($0)" == "\(header): truncated: the compressed data ends before its gzip stream does" }
        }
    }

    /// A name is what the message says it is: no NUL, newline, space or slash, at most 100.
    @Test(arguments: ["important.txt\u{0}x", "a b", "line\nbreak", "../up", ".hidden", String(repeating: "n", count: 101), "ümlaut"])
    func namesAreValidated(_ name: String) throws {
        let json = Self.tiny.replacingOccurrences(of: #""name": "two""#, with: "\"name\": \(JSONValue.string(name).serialized(indent: nil))")
        #expect(throws: SpecError.self) { _ = try Self.plan(json) }
    }

    @Test func namesSayWhatIsWrong() {
        #expect(ExperimentSpec.nameProblem("important.txt\u{0}x") == "contains the control character U+0000")
        #expect(ExperimentSpec.nameProblem("a b") == "contains ' '")
        #expect(ExperimentSpec.nameProblem(String(repeating: "n", count: 101)) == "is 101 bytes long; a name has at most 100")
        #expect(ExperimentSpec.nameProblem("moons-1e+5_v2.b") == nil)
    }

    /// Resume compares configurations as values and the data by its fingerprint: a
    /// reformatted config.json is the same run; changed data is another configuration; a
    /// run without its model.json is trained again.
    @Test func resumeComparesValuesAndData() async throws {
        let root = temporaryDirectory()
        writeFile("x,y\n0,a\n1,b\n0.1,a\n0.9,b\n0.2,a\n0.8,b\n0.3,a\n0.7,b\n", to: root + "/d.csv")
        let json = #"""
        {"name": "csv", "dataset": {"csv": "d.csv", "target": "y"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
         "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 4}, "seeds": [1, 2]}
        """#
        let plan = try SweepPlan(json: try JSONParser.parse(json), file: root + "/s.json")
        #expect(try await Self.run(plan, root: root).trained.count == 2)
        let config = root + "/csv/runs/seed=1/config.json"
        let reformatted = try JSONParser.parse(try read(config)).serialized(indent: 4) + "\n\n"
        try reformatted.write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: root + "/csv/runs/seed=2/model.json")
        let again = try await Self.run(plan, root: root)
        #expect(again.skipped == 1 && again.trained.map(\.run.id) == ["seed=2"])
        writeFile("x,y\n0,a\n1,b\n0.1,a\n0.9,b\n0.2,a\n0.8,b\n0.3,a\n0.6,b\n", to: root + "/d.csv")
        await #expect { _ = try await Self.run(plan, root: root) } throws: { error in
            (error as? ResultsError)?.message.hasPrefix("was trained on other data (the dataset changed since") == true
        }
        #expect(try await Self.run(plan, root: root, force: true).trained.count == 2)
    }

    /// CSV with CR-only line ends reads; one class is said plainly; long values are cut.
    @Test func csvMessagesSayWhatIsWrong() throws {
        let dir = temporaryDirectory()
        let cr = writeFile("x,y\r0,a\r1,b\r", to: dir + "/cr.csv")
        let table = try CSVDataset(path: cr, target: "y", features: nil, classification: true)
        #expect(table.inputs.rows == 2 && table.target == .classes(labels: [0, 1], names: ["a", "b"]))
        let one = writeFile("x,y\n0,a\n1,a\n", to: dir + "/one.csv")
        #expect { _ = try CSVDataset(path: one, target: "y", features: nil, classification: true) } throws: {
            "\($0)" == "\(one): the target \"y\" holds one class (\"a\") in 2 rows: classification needs at least two"
        }
        let long = writeFile("x,y\n" + String(repeating: "9", count: 100_000) + "z,a\n", to: dir + "/long.csv")
        #expect { _ = try CSVDataset(path: long, target: "y", features: nil, classification: true) } throws: {
            "\($0)" == "\(long):2:1: \"x\" is \"9999999999999999999999999999999999999...\" (100001 bytes), not a number"
        }
    }

    /// `--set` text that opens as JSON must be JSON; the error blames --set, not the spec.
    @Test func setWithUnbalancedBracketsBlamesSet() {
        #expect { _ = try Override.parse(#"model.layers=[{"units": 2}"#) } throws: { error in
            let e = error as! SpecError
            return e.file == "--set" && e.path == "model.layers" && e.message.hasPrefix("\"[{\"units\": 2}\" is not valid JSON")
        }
    }

    /// An up-to-date folder needs no write: summarize rewrites nothing (so a read-only folder
    /// whose runs are complete still summarizes).
    @Test func anUpToDateFolderIsNotWrittenAgain() async throws {
        let root = temporaryDirectory()
        let plan = try Self.plan(Self.tiny)
        _ = try await Self.run(plan, root: root)
        let dir = root + "/two"
        let file = dir + "/summary.md"
        #expect(try ResultsDirectory.writeAtomically(try read(file), to: file) == false)
        let before = try FileManager.default.contentsOfDirectory(atPath: dir).map { ($0, try FileManager.default.attributesOfItem(atPath: dir + "/" + $0)[.modificationDate] as! Date) }
        try await Task.sleep(for: .milliseconds(20))
        _ = try SweepReport.forResults(dir, gnuplot: nil).summarize(progress: Progress(style: .quiet, total: 0))
        for (name, date) in before where !name.hasPrefix(".") {
            #expect(try FileManager.default.attributesOfItem(atPath: dir + "/" + name)[.modificationDate] as! Date == date, "\(name)")
        }
    }

    /// A sweep interrupted when every run is already complete has nothing missing.
    @Test func anInterruptWithNothingMissing() async throws {
        let root = temporaryDirectory()
        let plan = try Self.plan(Self.tiny)
        _ = try await Self.run(plan, root: root)
        var sweep = Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil)
        sweep.cancellation.interrupt()
        let report = try await sweep.run(progress: Progress(style: .quiet, total: 4))
        #expect(report.interrupted && report.missing == 0 && report.skipped == 4)
    }
}
