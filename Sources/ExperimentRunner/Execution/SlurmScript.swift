import Foundation

/// The two sbatch scripts of `backprop slurm`: a job array whose task i runs shard i of the
/// sweep, and a summary job that runs after the array, whatever became of its tasks
/// (`--dependency=afterany`). A preempted or requeued task runs its shard again, and the
/// resume rules skip whatever it completed.
public struct SlurmJob: Sendable {
    public var executable: String
    public var spec: String
    public var overrides: [String]
    public var results: String
    public var name: String
    public var shards: Int
    public var runs: Int
    public var arrayParallelism: Int?
    public var time: String?
    public var cpusPerTask: Int
    public var partition: String?
    public var outputDirectory: String
    /// A spec with a scheduler: how many rung steps, each a job array of its own (`--rung k`),
    /// each after the previous (afterany: a step whose tasks failed makes the next say so).
    /// A tpe search: how many batches, the same way (`--batch k`, `step` "batch").
    public var rungSteps: Int? = nil
    /// What a step is: "rung" (its option `--rung`, scripts `<name>.rung<k>.sbatch`) or "batch".
    public var step = "rung"
    /// The step in words: "rung step" or "batch".
    public var stepName: String { step == "rung" ? "rung step" : "batch" }

    public init(executable: String, spec: String, overrides: [String], results: String, name: String, shards: Int, runs: Int,
                arrayParallelism: Int?, time: String?, cpusPerTask: Int, partition: String?, outputDirectory: String) {
        self.executable = executable
        self.spec = spec
        self.overrides = overrides
        self.results = results
        self.name = name
        self.shards = shards
        self.runs = runs
        self.arrayParallelism = arrayParallelism
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.partition = partition
        self.outputDirectory = outputDirectory
    }

    /// A word for the shell (`Shell.quoted`).
    public static func quoted(_ s: String) -> String { Shell.quoted(s) }

    /// Why a value cannot go into these scripts, naming `option`; nil when it can. No value
    /// may hold a control character (a line break would start a line of its own); the values
    /// of `#SBATCH` lines, which sbatch reads without the shell's quoting, take only the
    /// characters their formats use (`directive`: a time or a partition) or, for a path, no
    /// space, quote, backslash or '%' (sbatch's file name patterns).
    public static func problem(_ value: String, option: String, directive: Directive? = nil) -> String? {
        if let c = Shell.controlCharacter(in: value) { return "\(option) holds the control character \(c); a value that goes into an sbatch script cannot" }
        switch directive {
        case .word?:
            if let bad = value.unicodeScalars.first(where: { !($0.properties.isASCIIHexDigit || $0.properties.isAlphabetic && $0.isASCII || "0123456789:-_.,".unicodeScalars.contains($0)) }) {
                return "\(option) holds '\(bad)': it goes into an #SBATCH line, which takes letters, digits and ':-_.,' only"
            }
        case .path?:
            if let bad = value.unicodeScalars.first(where: { $0.properties.isWhitespace || "\"'\\%".unicodeScalars.contains($0) }) {
                return "\(option) holds \(bad == " " ? "a space" : "'\(bad)'"): the path goes into an #SBATCH line, which takes no space, quote, backslash or '%'"
            }
        case nil: break
        }
        return nil
    }

    public enum Directive: Sendable { case word, path }

    var common: [String] {
        var lines = [String]()
        if let time { lines.append("#SBATCH --time=\(time)") }
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        return lines
    }

    public var arrayScriptPath: String { outputDirectory + "/\(name).array.sbatch" }
    public func rungScriptPath(_ k: Int) -> String { outputDirectory + "/\(name).\(step)\(k).sbatch" }
    /// Every array script, in submission order.
    public var arrayScriptPaths: [String] { rungSteps.map { (0..<$0).map(rungScriptPath) } ?? [arrayScriptPath] }
    public var summaryScriptPath: String { outputDirectory + "/\(name).summary.sbatch" }

    public var arrayScript: String { arrayScript(rung: nil) }

    /// The array of one rung step (`rung`), or of the whole sweep.
    public func arrayScript(rung: Int?) -> String {
        var lines = ["#!/bin/bash"]
        if let rung, let steps = rungSteps {
            lines += ["# backprop: \(stepName) \(rung) of \(steps) of \(name) (\(runs) runs) in \(shards) shards, one per array task. Written by",
                      "# `backprop slurm`; submit every step with `backprop slurm ... --submit` (each after the previous, then the summary)."]
        } else {
            lines += ["# backprop: \(runs) runs of \(name) in \(shards) shards, one per array task. Written by `backprop slurm`;",
                      "# submit with `backprop slurm ... --submit`, or: jid=$(sbatch --parsable \(Self.quoted(arrayScriptPath)));",
                      "#   sbatch --dependency=afterany:$jid \(Self.quoted(summaryScriptPath))"]
        }
        lines += [
            "#SBATCH --job-name=backprop-\(name)" + (rung.map { "-\(step)\($0)" } ?? ""),
            "#SBATCH --array=0-\(shards - 1)" + (arrayParallelism.map { "%\($0)" } ?? ""),
            "#SBATCH --cpus-per-task=\(cpusPerTask)",
            "#SBATCH --output=\(outputDirectory)/\(name)" + (rung.map { "-\(step)\($0)" } ?? "") + "-%A_%a.out",
            "#SBATCH --requeue",
        ] + common
        lines += ["set -eu", ""]
        var command = [Self.quoted(executable), "run", Self.quoted(spec),
                       "--shard", "\"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\"",
                       "--jobs", String(cpusPerTask), "--results", Self.quoted(results)] + (rung.map { ["--" + step, String($0)] } ?? [])
        for o in overrides { command += ["--set", Self.quoted(o)] }
        lines.append("exec " + command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    public var summaryScript: String {
        let lines = [
            "#!/bin/bash",
            "# backprop: merges the shards of \(name) into summary.csv, summary.md, the plots and index.html.",
            "#SBATCH --job-name=backprop-\(name)-summary",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --output=\(outputDirectory)/\(name)-summary-%j.out",
        ] + common + [
            "set -eu", "",
            "exec " + [Self.quoted(executable), "summarize", Self.quoted(results + "/" + name)].joined(separator: " "),
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
