import ArgumentParser
import ExperimentRunner
import Foundation

struct Slurm: ParsableCommand, ReadsInput {
    static let configuration = CommandConfiguration(
        abstract: "Write (and with --submit, submit) the sbatch scripts that spread a sweep over a Slurm job array.",
        discussion: """
            Writes <name>.array.sbatch, a job array whose task i runs `backprop run SPEC --shard \
            $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`, and <name>.summary.sbatch, which runs \
            `backprop summarize` after the array (afterany). Every task writes into the usual \
            results layout on the shared filesystem; a requeued task skips what it completed.
            """)

    @OptionGroup var spec: SpecOptions
    var input: InputOptions { spec.input }

    @Option(help: "Array tasks (shards). Default: one per run, at most 1000.")
    var shards: Int?

    @Option(help: "At most this many array tasks at once (sbatch --array=...%K).")
    var arrayParallelism: Int?

    @Option(help: "Time limit of each task, as sbatch takes it (e.g. 30, 2:00:00, 1-0).")
    var time: String?

    @Option(help: "CPUs per task; each task trains that many runs at once (--jobs).")
    var cpusPerTask: Int = 1

    @Option(help: "The Slurm partition.")
    var partition: String?

    @Option(help: "Where the scripts and the tasks' logs go (default: <results>/<name>/slurm).")
    var outputDir: String?

    @Option(help: "The folder that holds each experiment's results folder (on the shared filesystem).")
    var results: String = "results"

    @Flag(help: "Submit with sbatch and print the job ids.")
    var submit = false

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
        if let k = arrayParallelism, k < 1 { throw ValidationError("--array-parallelism must be at least 1") }
        guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1") }
    }

    func run() throws {
        let job = try { () throws -> SlurmJob in
            func absolute(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.path }
            let resultsPath = absolute(results)
            // Every value that goes into the scripts, checked before anything is written: a
            // control character anywhere (the working folder's path too, which absolute paths
            // carry), or what an #SBATCH line cannot hold, is exit 2 naming the option.
            var checks: [(String, String, SlurmJob.Directive?)] = [
                (time ?? "", "--time", .word), (partition ?? "", "--partition", .word),
                (absolute(outputDir ?? resultsPath), outputDir == nil ? "--results" : "--output-dir", .path),
                (resultsPath, "--results", nil), (absolute(spec.spec), "the spec path", nil),
            ] + spec.overrides.map { ($0, "--set", nil) }
            checks.append((URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, "the backprop executable's path", nil))
            for (value, option, directive) in checks {
                if let problem = SlurmJob.problem(value, option: option, directive: directive) { throw OptionError(problem) }
            }
            let plan = try spec.plan()
            if plan.isAdaptive && plan.scheduler != nil {
                throw SpecError(file: plan.file, path: "scheduler", message: "BOHB schedules each batch among itself in one process: run it with backprop run")
            }
            // A tpe search: its runs in all, and a batch's (what one array trains).
            let runs = Sweep(plan: plan, jobs: 1, gnuplot: nil).expectedRuns
            let perStep = plan.isAdaptive ? plan.runs.count : runs
            var job = SlurmJob(
                executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                spec: absolute(spec.spec), overrides: spec.overrides, results: resultsPath, name: plan.name,
                shards: min(shards ?? min(perStep, 1000), perStep), runs: runs,
                arrayParallelism: arrayParallelism, time: time, cpusPerTask: cpusPerTask, partition: partition,
                outputDirectory: absolute(outputDir ?? resultsPath + "/" + plan.name + "/slurm"))
            if plan.isAdaptive, let search = plan.search {
                job.rungSteps = search.batchCount
                job.step = "batch"
            } else if let s = plan.scheduler, let epochs = plan.runs.first?.spec.training.epochs {
                job.rungSteps = s.brackets(configurations: plan.configurationCount, epochs: epochs).map(\.rungs.count).max()
            }
            try ResultsDirectory(root: resultsPath, name: plan.name).refuseLinks()
            // A folder the user named may be a link; the default one, inside the sweep's folder, may not.
            if outputDir == nil { try ResultsDirectory.makeFolder(job.outputDirectory) } else { try ResultsDirectory.makeParent(job.outputDirectory) }
            if let steps = job.rungSteps {
                for k in 0..<steps { try ResultsDirectory.writeAtomically(job.arrayScript(rung: k), to: job.rungScriptPath(k), userFolder: outputDir != nil) }
            } else {
                try ResultsDirectory.writeAtomically(job.arrayScript, to: job.arrayScriptPath, userFolder: outputDir != nil)
            }
            try ResultsDirectory.writeAtomically(job.summaryScript, to: job.summaryScriptPath, userFolder: outputDir != nil)
            return job
        }()
        print("\(job.name): \(job.runs) runs in \(job.shards) array tasks" + (job.rungSteps.map { ", one array per \(job.stepName) (\($0))" } ?? ""))
        print((job.arrayScriptPaths + [job.summaryScriptPath]).map { "  " + $0 }.joined(separator: "\n"))
        if let steps = job.rungSteps {
            guard submit else {
                print("submit with: backprop slurm ... --submit (each \(job.stepName)'s array after the previous, then the summary)")
                return
            }
            var previous: String?
            var arrays = [String]()
            for k in 0..<steps {
                let id = try sbatch((previous.map { ["--dependency=afterany:\($0)"] } ?? []) + [job.rungScriptPath(k)])
                arrays.append(id)
                previous = id
            }
            let summary = try sbatch(["--dependency=afterany:\(previous!)", job.summaryScriptPath])
            print("submitted: array jobs \(arrays.joined(separator: ",")) (one per \(job.stepName), \(job.shards) tasks each, each after the previous), summary job \(summary) (after the last)")
            print("results: \(job.results)/\(job.name)/summary.md once job \(summary) has run")
            return
        }
        guard submit else {
            print("submit with: jid=$(sbatch --parsable \(SlurmJob.quoted(job.arrayScriptPath))) && sbatch --dependency=afterany:$jid \(SlurmJob.quoted(job.summaryScriptPath))")
            return
        }
        let array = try sbatch([job.arrayScriptPath])
        let summary = try sbatch(["--dependency=afterany:\(array)", job.summaryScriptPath])
        print("submitted: array job \(array) (\(job.shards) tasks), summary job \(summary) (after the array)")
        print("results: \(job.results)/\(job.name)/summary.md once job \(summary) has run")
    }

    /// Runs `sbatch --parsable ARGS` and returns the job id.
    func sbatch(_ arguments: [String]) throws -> String {
        let process = Process(), out = Pipe(), err = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable"] + arguments
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            printError("cannot run sbatch: \(error)")
            throw ExitCode(1)
        }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let id = text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard process.terminationStatus == 0, !id.isEmpty else {
            printError("sbatch failed: " + (message.isEmpty ? "exit \(process.terminationStatus)" : message.trimmingCharacters(in: .whitespacesAndNewlines)))
            throw ExitCode(1)
        }
        return id
    }
}
