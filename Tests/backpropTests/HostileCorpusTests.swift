import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The hostile corpus of issue 27, made by the tests (no binary is committed): specs, data
/// files, file names, paths, options and planted results folders that try to run a command,
/// write outside the results, crash the program or exhaust its memory. Each class has
/// several variants; every one is run through the real `backprop` and checked by `Sandbox`.
/// Here: commands, injected lines and planted links; the file classes are HostileFileTests.
@Suite(.serialized) struct HostileCorpusTests {
    static let environment = ["BACKPROP_GNUPLOT": "/nonexistent"]

    /// Text that tries every way out of a gnuplot string: backquotes (command substitution in
    /// double quotes), a closing quote of either kind, a line break then `!` (a shell line),
    /// `system()`, a carriage return, a macro.
    static func payloads(_ s: Sandbox, _ tag: String) -> [String] {
        ["a`\(s.touch(tag + "1"))`", "b'`\(s.touch(tag + "2"))`'", "c\"`\(s.touch(tag + "3"))`\"",
         "d\n!\(s.touch(tag + "4"))\n", "e'; system(\"\(s.touch(tag + "5"))\"); '", "f\r!\(s.touch(tag + "6"))", "g@x`\(s.touch(tag + "7"))`"]
    }

    static func csv(_ labels: [String], featureNames: (String, String) = ("x1", "x2")) -> String {
        var out = "\(CSV.field(featureNames.0)),\(CSV.field(featureNames.1)),label\n"
        for i in 0..<48 {
            let label = labels[i % labels.count]
            let c = Double(i % labels.count)
            out += "\(c + Double(i % 5) * 0.01),\(c * 0.5 - Double(i % 3) * 0.02),\(CSV.field(label))\n"
        }
        return out
    }

    // MARK: 1. Commands through gnuplot

    /// Class labels, column names, data-file names (a grid axis over them: tic labels, keys,
    /// titles) and the results path all carry payloads; run, plot, summarize, report and
    /// compare render every plot with the real gnuplot. No canary appears.
    @Test func noTextFromTheFilesRunsACommandInGnuplot() throws {
        guard Gnuplot.find() != nil else { Issue.record("gnuplot is a dependency (make deps installs it)"); return }
        let s = Sandbox()
        let labels = Self.payloads(s, "label")
        let data1 = s.root + "/d`\(s.touch("file1"))`.csv", data2 = s.root + "/e'$(\(s.touch("file2")))'.csv"
        try Self.csv(labels, featureNames: ("x`\(s.touch("col1"))`", "y'\(s.touch("col2"))'")).write(toFile: data1, atomically: false, encoding: .utf8)
        try Self.csv(labels.reversed()).write(toFile: data2, atomically: false, encoding: .utf8)
        let spec = CLI.temporarySpec(#"""
        {"name": "inject", "description": "`\#(s.touch("description"))`",
         "dataset": {"csv": "\#(data1)", "target": "label", "validation": 0.25, "test": 0.25},
         "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 7, "activation": "softmax"}]},
         "loss": "cross_entropy", "optimizer": {"learning_rate": 0.2}, "training": {"epochs": 4, "diagnostics": true}, "seeds": [1, 2],
         "grid": {"dataset.csv": ["\#(data1)", "\#(data2)"], "optimizer.learning_rate": [0.1, 0.3]}}
        """#)
        let results = s.root + "/res`\(s.touch("results1"))`'\n!\(s.touch("results2"))"
        let run = try s.run(["run", spec, "--results", results, "--plots", "all", "--quiet"])
        s.check(run, "run", allowed: [0])
        let folder = results + "/inject"
        #expect(FileManager.default.fileExists(atPath: folder + "/confusion.png") || FileManager.default.fileExists(atPath: folder + "/parameter.png"), "the plots were drawn")
        #expect(FileManager.default.fileExists(atPath: folder + "/runs/" + (try FileManager.default.contentsOfDirectory(atPath: folder + "/runs")).sorted()[0] + "/loss.png"))
        for command in [["plot", folder], ["summarize", folder], ["report", results], ["compare", folder, folder, "--output", s.root + "/cmp'`\(s.touch("compare"))`"]] {
            s.check(try s.run(command), command[0], allowed: [0])
        }
        // The working folder's path reaches gnuplot's `cd` too: run from one with a payload.
        let work = s.root + "/w\n!\(s.touch("cwd1"))\n'`\(s.touch("cwd2"))`"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        s.check(try s.run(["run", spec, "--results", "r", "--quiet", "--set", "seeds=[1]"], directory: work), "run in a hostile working folder", allowed: [0])
        #expect(FileManager.default.fileExists(atPath: work + "/r/inject/loss.png"))
    }

    /// A .gp script planted in a results folder (a run's own and the sweep's) is never what
    /// `plot` or `summarize` renders: the scripts are written anew from the results first.
    @Test func plantedScriptsAreNotRun() throws {
        guard Gnuplot.find() != nil else { Issue.record("gnuplot is a dependency (make deps installs it)"); return }
        let s = Sandbox()
        let results = s.root + "/results"
        s.check(try s.run(["run", "experiments/xor.json", "--results", results, "--quiet", "--set", "training.epochs=20", "--set", "training.diagnostics=true"]), "run", allowed: [0])
        let sweep = results + "/" + (try FileManager.default.contentsOfDirectory(atPath: results)).first { !$0.hasSuffix(".html") }!
        let run = sweep + "/runs/" + (try FileManager.default.contentsOfDirectory(atPath: sweep + "/runs")).sorted()[0]
        for (n, file) in [run + "/loss.gp", run + "/diagnostics.gp", sweep + "/loss.gp", sweep + "/extra.gp"].enumerated() {
            try "system(\"\(s.touch("planted\(n)"))\")\n!\(s.touch("bang\(n)"))\n".write(toFile: file, atomically: false, encoding: .utf8)
        }
        s.check(try s.run(["plot", sweep]), "plot", allowed: [0])
        s.check(try s.run(["summarize", sweep]), "summarize", allowed: [0])
        #expect(try String(contentsOfFile: run + "/loss.gp", encoding: .utf8).hasPrefix("# Loss per epoch of one run."))
    }

    // MARK: 2. Injected lines

    /// A line break in a Slurm option, or in a path that goes into an #SBATCH line, is refused
    /// naming the option; every other value is shell-quoted: the scripts pass `bash -n` and the
    /// generated `backprop` line hands a stub exactly the words it was given.
    @Test func slurmScriptsTakeNoInjectedLine() throws {
        let s = Sandbox()
        let specDir = s.root + "/spec'$(\(s.touch("specdir")))'`\(s.touch("tick"))`"
        try FileManager.default.createDirectory(atPath: specDir, withIntermediateDirectories: true)
        let spec = specDir + "/x.json"
        try FileManager.default.copyItem(atPath: packageRoot + "/experiments/xor.json", toPath: spec)
        let results = s.root + "/res"
        let refused: [([String], String)] = [
            (["--time", "1:00\n#SBATCH --wrap=\(s.touch("time"))"], "backprop: --time holds the control character U+000A; a value that goes into an sbatch script cannot\n"),
            (["--partition", "debug\n\(s.touch("partition"))"], "backprop: --partition holds the control character U+000A; a value that goes into an sbatch script cannot\n"),
            (["--partition", "debug $(\(s.touch("partition2")))"], "backprop: --partition holds ' ': it goes into an #SBATCH line, which takes letters, digits and ':-_.,' only\n"),
            (["--output-dir", s.root + "/out\n\(s.touch("outdir"))"], "backprop: --output-dir holds the control character U+000A; a value that goes into an sbatch script cannot\n"),
            (["--output-dir", s.root + "/out dir"], "backprop: --output-dir holds a space: the path goes into an #SBATCH line, which takes no space, quote, backslash or '%'\n"),
            (["--results", s.root + "/r\n\(s.touch("results"))"], "backprop: --results holds the control character U+000A; a value that goes into an sbatch script cannot\n"),
            (["--set", "training.epochs=2\n\(s.touch("set"))"], "backprop: --set holds the control character U+000A; a value that goes into an sbatch script cannot\n"),
        ]
        for (options, message) in refused {
            let out = try s.run(["slurm", "experiments/xor.json", "--results", results] + options)
            s.check(out, "slurm \(options[0])", allowed: [2])
            #expect(out.stderr == message)
        }
        // Accepted: quotes, $( ), backquotes and ; in the spec path and an override.
        let set = "description=x'; \(s.touch("set2")); echo '$(\(s.touch("set3")))`"
        let out = try s.run(["slurm", spec, "--results", results, "--set", set, "--time", "1:00:00", "--partition", "debug"])
        s.check(out, "slurm", allowed: [0])
        let script = results + "/xor/slurm/xor.array.sbatch"
        let text = try String(contentsOfFile: script, encoding: .utf8)
        let syntax = try s.shell(["bash", "-n", script])
        #expect(syntax.status == 0, "\(syntax.stderr)")
        // The backprop line, run with a stub in the executable's place: it must receive these words.
        let stub = s.root + "/stub.sh", argsFile = s.root + "/args"
        try "#!/bin/bash\nprintf '%s\\0' \"$@\" > \(Shell.quoted(argsFile))\n".write(toFile: stub, atomically: false, encoding: .utf8)
        chmod(stub, 0o755)
        let executable = text.split(separator: "\n").first { $0.hasPrefix("exec ") }!.dropFirst(5).prefix { $0 != " " }
        let stubbed = s.root + "/stubbed.sbatch"
        try text.replacingOccurrences(of: "exec " + executable, with: "exec " + Shell.quoted(stub)).write(toFile: stubbed, atomically: false, encoding: .utf8)
        let ran = try s.shell(["bash", stubbed], environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "1"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let words = try String(contentsOfFile: argsFile, encoding: .utf8).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(words == ["run", spec, "--shard", "0/1", "--jobs", "1", "--results", results, "--set", set])
        s.check(ran, "the script's backprop line", allowed: [0])
    }

    // MARK: 3. Writes through planted symlinks

    /// A link planted in a results folder where backprop writes (a run's file, a summary, the
    /// page, a script, the lock, a run folder, runs/, the sweep's folder, dangling or not)
    /// is never written through, with or without --force: exit 0 (the write did not need it)
    /// or 2 naming the link, and nothing outside changes.
    @Test(arguments: ["runs/seed=1/metrics.csv", "runs/seed=1/config.json", "summary.csv", "index.html", "loss.gp", "summary.md|dangling",
                      ".summary.lock|dangling", "runs/seed=1|folder", "runs|folder", "|sweep"])
    func plantedLinksAreNotFollowed(_ variant: String) throws {
        let s = Sandbox()
        let results = s.root + "/results"
        let arguments = ["run", "experiments/xor.json", "--results", results, "--quiet", "--set", "training.epochs=5", "--set", "seeds=[1,2]"]
        s.check(try s.run(arguments, environment: Self.environment), "first run", allowed: [0])
        let sweep = results + "/xor"
        let parts = variant.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let place = sweep + (parts[0].isEmpty ? "" : "/" + parts[0])
        let kind = parts.count > 1 ? parts.last! : "file"
        // A folder link takes the place of the folder (moved aside); a file link of the file.
        if kind == "folder" || kind == "sweep" {
            try FileManager.default.moveItem(atPath: kind == "sweep" ? sweep : place, toPath: s.root + "/moved")
            try FileManager.default.createSymbolicLink(atPath: kind == "sweep" ? sweep : place, withDestinationPath: s.outside)
        } else {
            try? FileManager.default.removeItem(atPath: place)
            try FileManager.default.createSymbolicLink(atPath: place, withDestinationPath: kind == "dangling" ? s.outside + "/new.txt" : s.victim)
        }
        for force in [false, true] {
            let out = try s.run(arguments + (force ? ["--force"] : []), environment: Self.environment)
            s.check(out, "\(variant) force=\(force)")
            // Refused as a link, or (a config.json read through one) as a run that is not this spec's.
            if out.status == 2 {
                #expect(out.stderr.contains("is a symbolic link: backprop never writes through a link") || out.stderr.contains("results are never mixed"), "\(out.stderr)")
            }
        }
        for command in [["summarize", sweep], ["report", results]] {
            let out = try s.run(command, environment: Self.environment)
            s.check(out, "\(variant) \(command[0])")
        }
    }

    /// The folders the user names are the user's: `--results` (and `--output`) may be links,
    /// to scratch space say, and everything is written through them as usual.
    @Test func aResultsFolderThatIsALinkIsTheUsers() throws {
        let s = Sandbox()
        let scratch = s.root + "/scratch", results = s.root + "/results", output = s.root + "/out"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: results, withDestinationPath: scratch)
        try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: scratch)
        s.check(try s.run(["run", "experiments/xor.json", "--results", results, "--quiet", "--set", "training.epochs=3"], environment: Self.environment), "run", allowed: [0])
        s.check(try s.run(["report", results]), "report", allowed: [0])
        let rows = writeFile("x1,x2\n0,1\n1,1\n", to: s.root + "/rows.csv")
        s.check(try s.run(["predict", results + "/xor/runs/seed=42", rows, "--output", output + "/p.csv"]), "predict", allowed: [0])
        #expect(FileManager.default.fileExists(atPath: scratch + "/xor/summary.md") && FileManager.default.fileExists(atPath: scratch + "/index.html"))
        #expect(try String(contentsOfFile: scratch + "/p.csv", encoding: .utf8).hasPrefix("row,"))
    }
}
