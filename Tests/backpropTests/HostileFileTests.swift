import CZlib
import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The hostile corpus of issue 27, its file classes: crafted models, endless and enormous
/// files, text that is not UTF-8, pages linking hostile folder names, and the smaller cases;
/// each variant run through the real `backprop` and checked by `Sandbox` (the classes that try
/// to run a command or write elsewhere are in HostileCorpusTests).
@Suite(.serialized) struct HostileFileTests {
    static let environment = HostileCorpusTests.environment

    // MARK: 4. Crafted models

    /// model.json files that do not fit their run: classes counted wrong, a parameter that
    /// overflows or is written as "inf", a zero divisor, features twice, layers other than the
    /// config's: predict and evaluate say so on one line, exit 2.
    @Test func craftedModelsAreRefused() throws {
        let s = Sandbox()
        let results = s.root + "/results"
        s.check(try s.run(["run", "experiments/iris.json", "--results", results, "--quiet", "--set", "seeds=[1]", "--set", "training.epochs=5"],
                            environment: Self.environment), "run", allowed: [0])
        let run = results + "/iris/runs/seed=1"
        let model = try String(contentsOfFile: run + "/model.json", encoding: .utf8)
        let data = packageRoot + "/experiments/data/iris.csv"
        s.check(try s.run(["predict", run, data]), "predict on the real model", allowed: [0])
        func replacingFirstNumber(after key: String, with value: String, in text: String) -> String {
            let start = text.range(of: key)!.upperBound
            let number = text[start...].firstIndex { $0 == "-" || $0.isNumber }!
            let end = text[number...].firstIndex { !($0 == "-" || $0 == "." || $0 == "e" || $0.isNumber) }!
            return text.replacingCharacters(in: number..<end, with: value)
        }
        let variants: [(String, String, String)] = [
            ("classes", model.replacingOccurrences(of: #""virginica""#, with: #""virginica", "extra""#), "is damaged: it names 4 classes for 3 outputs (3 distinct names expected)"),
            ("classes twice", model.replacingOccurrences(of: #""virginica""#, with: #""setosa""#), "is damaged: it names 3 classes for 3 outputs (3 distinct names expected)"),
            ("overflow", replacingFirstNumber(after: "\"weights\"", with: "1e999", in: model), "is damaged: its features and layers are not the network of the run's config.json, or a parameter is not a finite number"),
            ("inf", replacingFirstNumber(after: "\"weights\"", with: "\"inf\"", in: model), "holds parameters that are not finite (its run diverged): it cannot predict"),
            ("divisor", replacingFirstNumber(after: "\"divisor\"", with: "0", in: model), "is damaged: normalization.shift and .divisor need one finite number per feature, and no divisor may be 0"),
            ("features", model.replacingOccurrences(of: #""sepal_width""#, with: #""sepal_length""#), "is damaged: its features must be distinct column names"),
        ]
        for (what, text, message) in variants {
            try text.write(toFile: run + "/model.json", atomically: false, encoding: .utf8)
            for command in ["predict", "evaluate"] {
                let out = try s.run([command, run, data])
                s.check(out, "\(command) \(what)", allowed: [2])
                #expect(out.stderr == "backprop: \(run)/model.json: \(message)\n", "\(what)")
            }
        }
        // Layers other than the config's: the units of the hidden layer in config.json changed.
        try model.write(toFile: run + "/model.json", atomically: false, encoding: .utf8)
        let config = try String(contentsOfFile: run + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: #""units": 3"#, with: #""units": 4"#).write(toFile: run + "/config.json", atomically: false, encoding: .utf8)
        let out = try s.run(["predict", run, data])
        s.check(out, "predict other layers", allowed: [2])
    }

    // MARK: 5. Memory

    /// /dev/zero, a sparse file far larger than memory and a gzip bomb, as a CSV, a spec and a
    /// model: each stops at the input limit with a one-line error within seconds, also under
    /// `ulimit -v`. Never a trap.
    @Test func endlessAndEnormousFilesStopAtTheLimit() throws {
        let s = Sandbox()
        let sparse = s.root + "/sparse.csv"
        #expect(FileManager.default.createFile(atPath: sparse, contents: nil))
        #expect(truncate(sparse, 8 << 30) == 0)
        let bomb = s.root + "/bomb.csv.gz"
        let zeros = [UInt8](repeating: 0x30, count: 1 << 20)  // "0000…": one enormous field
        let gz = gzopen(bomb, "wb9")!
        for _ in 0..<200 { _ = zeros.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) } }
        gzclose(gz)
        func spec(_ csv: String) -> String {
            CLI.temporarySpec(#"{"name": "mem", "dataset": {"csv": "\#(csv)", "target": "y"}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]}, "loss": "sse", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#)
        }
        for (file, what) in [("/dev/zero", "holds"), (sparse, "holds"), (bomb, "expands to")] {
            let started = Date()
            let out = try s.run(["plan", spec(file), "--max-input", "64M", "--no-calibration"])
            s.check(out, file, allowed: [2])
            #expect(out.stderr == "backprop: \(file): \(what) more than 64 MiB, the input limit: raise it with --max-input (or BACKPROP_MAX_INPUT) if the file is what you meant\n")
            #expect(Date().timeIntervalSince(started) < 30)
        }
        // The spec itself, and under a small address-space limit with the default input limit.
        let out = try s.run(["plan", "/dev/zero"], environment: ["BACKPROP_MAX_INPUT": "16M"])
        s.check(out, "a spec of /dev/zero", allowed: [2])
        #expect(out.stderr == "backprop: /dev/zero: cannot read: holds more than 16 MiB, the input limit: raise it with --max-input (or BACKPROP_MAX_INPUT) if the file is what you meant\n")
        let limited = try s.shell(["bash", "-c", "ulimit -v 4000000 && exec \(Shell.quoted(CLI.executable)) plan \(Shell.quoted(spec("/dev/zero"))) --no-calibration"])
        s.check(limited, "under ulimit -v", allowed: [2])
        #expect(limited.stderr.hasPrefix("backprop: /dev/zero: holds more than "), "\(limited.stderr)")
    }

    // MARK: 6. Text

    /// Two class labels that differ only in bytes that are not UTF-8 are refused at the line
    /// and column of the first, never merged into one class.
    @Test func bytesThatAreNotUTF8AreRefused() throws {
        let s = Sandbox()
        var bytes = Array("x,y,label\n".utf8)
        for i in 0..<12 { bytes += Array("\(i),\(i % 2),caf".utf8) + [i % 2 == 0 ? 0xE9 : 0xE8] + [0x0A] }
        let data = writeFile(bytes, to: s.root + "/latin1.csv")
        let spec = CLI.temporarySpec(#"{"name": "text", "dataset": {"csv": "\#(data)", "target": "label"}, "model": {"layers": [{"units": 2, "activation": "softmax"}]}, "loss": "cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#)
        let out = try s.run(["plan", spec, "--no-calibration"])
        s.check(out, "latin-1 labels", allowed: [2])
        #expect(out.stderr == "backprop: \(data):2:5: the field is not UTF-8 text; save the file as UTF-8\n")
    }

    // MARK: 7. The pages

    /// A folder named `javascript:…` in the results and a results path full of quotes: every
    /// link on both pages is a relative path (no scheme), every attribute parses, and the
    /// "reproduce" command splits, as a shell splits it, into exactly its words (checked with
    /// Python's html.parser and shlex).
    @Test func pagesLinkRelativelyAndQuoteTheirCommands() throws {
        let s = Sandbox()
        let results = s.root + "/r'$(\(s.touch("page")))\"<b>&"
        s.check(try s.run(["run", "experiments/xor.json", "--results", results, "--quiet", "--set", "training.epochs=5"], environment: Self.environment), "run", allowed: [0])
        let evil = results + "/javascript:alert(1)"
        try FileManager.default.createDirectory(atPath: evil, withIntermediateDirectories: true)
        try "{}".write(toFile: evil + "/spec.json", atomically: false, encoding: .utf8)
        s.check(try s.run(["report", results]), "report", allowed: [0])
        let sweep = results + "/" + (try FileManager.default.contentsOfDirectory(atPath: results)).first { !$0.hasSuffix(".html") && !$0.hasPrefix("javascript") }!
        let checker = #"""
        import html.parser, shlex, sys, urllib.parse
        class P(html.parser.HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True); self.links = []; self.code = []; self.incode = False
            def handle_starttag(self, tag, attrs):
                for k, v in attrs:
                    if k in ("href", "src"): self.links.append(v)
                if tag == "code": self.incode = True; self.code.append("")
            def handle_endtag(self, tag):
                if tag == "code": self.incode = False
            def handle_data(self, d):
                if self.incode: self.code[-1] += d
        for page in sys.argv[1:]:
            p = P(); p.feed(open(page, encoding="utf-8").read()); p.close()
            for link in p.links:
                u = urllib.parse.urlparse(link)
                assert u.scheme == "" and u.netloc == "" and not link.startswith("/"), (page, link)
            for c in p.code:
                if c.startswith("backprop run "): print("\0".join(shlex.split(c)))
            print("links", len(p.links))
        """#
        let out = try s.shell(["python3", "-c", checker, results + "/index.html", sweep + "/index.html"])
        #expect(out.status == 0, "\(out.stderr)")
        let commands = out.stdout.split(separator: "\n").filter { $0.hasPrefix("backprop") }
        #expect(!commands.isEmpty)
        for c in commands {
            let words = c.split(separator: "\0").map(String.init)
            #expect(words.count == 3 && words[2].hasPrefix(sweep + "/runs/") && words[2].hasSuffix("/config.json"), "\(words)")
        }
        #expect(try String(contentsOfFile: results + "/index.html", encoding: .utf8).contains("href=\"javascript%3Aalert(1)/index.html\""))
        s.check(out, "the pages")
    }

    // MARK: 8. Smaller

    /// A feature named twice, a hexadecimal float and `inf` in a data file: one-line errors.
    @Test(arguments: [("dup", "dataset.features: a feature is listed twice"), ("hex", "is \"0x1p3\", not a number"), ("inf", "is \"inf\"; values must be finite")])
    func smallerCases(_ variant: String, _ message: String) throws {
        let s = Sandbox()
        let value = variant == "hex" ? "0x1p3" : variant == "inf" ? "inf" : "1"
        var csv = "a,b,y\n"
        for i in 0..<10 { csv += "\(i == 3 ? value : String(i)),\(i % 3),\(i % 2)\n" }
        let data = writeFile(csv, to: s.root + "/d.csv")
        let features = variant == "dup" ? #", "features": ["a", "a"]"# : ""
        let spec = CLI.temporarySpec(#"{"name": "small", "dataset": {"csv": "\#(data)", "target": "y"\#(features)}, "model": {"layers": [{"units": 1, "activation": "sigmoid"}]}, "loss": "binary_cross_entropy", "optimizer": {"learning_rate": 0.1}, "training": {"epochs": 1}}"#)
        let out = try s.run(["plan", spec, "--no-calibration"])
        s.check(out, variant, allowed: [2])
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }
}
