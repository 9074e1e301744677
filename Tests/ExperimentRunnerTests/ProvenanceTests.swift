import BackpropCore
import ExperimentRunner
import Foundation
import Testing
import TestSupport

@Suite struct ProvenanceTests {
    static let spec = #"""
    {"name": "p", "dataset": {"name": "xor"}, "model": {"layers": [{"units": 2, "activation": "sigmoid"}, {"units": 1, "activation": "sigmoid"}]},
     "loss": "sse", "optimizer": {"learning_rate": 0.5}, "training": {"epochs": 20, "precision": "float32"}, "seeds": [1, 2]}
    """#

    /// One session per process that ran the sweep, with this machine's facts; every run's
    /// status.json names the session that trained it; verify says when the machine differs.
    @Test func eachProcessIsASessionAndEachRunNamesItsOwn() throws {
        let root = temporaryDirectory()
        let plan = try SweepPlan(json: try JSONParser.parse(Self.spec), file: "p.json")
        var sweep = Sweep(plan: plan, jobs: 2, resultsRoot: root, gnuplot: nil)
        sweep.commandLine = ["backprop", "run", "p.json"]
        _ = try sweep.run(progress: Progress(style: .quiet, total: 2))
        let file = root + "/p/provenance.json"
        let first = Provenance.sessions(in: file)
        #expect(first.count == 1)
        let s = first[0]
        #expect(s.command == ["backprop", "run", "p.json"] && s.precisions == ["float32"] && s.backprop == BackpropVersion.string)
        #expect(s.cores == ProcessInfo.processInfo.activeProcessorCount && s.host == ProcessInfo.processInfo.hostName)
        #expect(s.openblasKernel == BLAS.kernel && !s.openblas.isEmpty && !s.cpu.isEmpty && s.ended != nil)
        // The float32 runs flushed subnormals, and the file says so; a session written before
        // the field existed reads as unrecorded.
        #expect(s.float32FlushesSubnormals == true)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(#""float32_flushes_subnormals": true"#))
        var old = s.json
        if case let .object(members) = old { old = .object(members.filter { $0.key != "float32_flushes_subnormals" }) }
        #expect(Provenance(old)?.float32FlushesSubnormals == nil)
        #expect(s.started <= s.ended!)
        for seed in [1, 2] {
            let status = StatusFile(text: try String(contentsOfFile: root + "/p/runs/seed=\(seed)/status.json", encoding: .utf8))!
            #expect(status.provenance == s.id)
        }
        // A second process adds its session (it trains nothing); the runs keep naming the first.
        _ = try sweep.run(progress: Progress(style: .quiet, total: 2))
        #expect(Provenance.sessions(in: file).map(\.id).first == s.id && Provenance.sessions(in: file).count == 2)
        #expect(try Verification.verify(runDirectory: root + "/p/runs/seed=1").elsewhere == nil)
        // The same run "made" on another CPU: said, and every number still compared.
        var other = s
        other.cpu = "Another CPU"
        try other.record(in: file, lock: root + "/p/.summary.lock")
        let outcome = try Verification.verify(runDirectory: root + "/p/runs/seed=1")
        #expect(outcome.identical)
        #expect(outcome.elsewhere == "made elsewhere: cpu Another CPU there, \(s.cpu) here")
    }
}
