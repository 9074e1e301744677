import ExperimentRunner
import Foundation
import Testing
import TestSupport

/// The real `backprop` executable, run as a user would, its whole output checked.
struct CLI {
    /// The test bundle sits beside the executable in the build products folder.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("backprop").path

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Ended by a signal (a trap is SIGILL or SIGTRAP): `status` is then the signal's number.
        var signalled = false
    }

    static func run(_ arguments: [String], directory: String = packageRoot, environment: [String: String] = [:]) throws -> Output {
        try launch(executable, arguments, directory: directory, environment: environment)
    }

    /// Any program, its output and how it ended.
    static func launch(_ program: String, _ arguments: [String], directory: String = packageRoot, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                      signalled: process.terminationReason == .uncaughtSignal)
    }

    static func temporarySpec(_ text: String) -> String {
        let path = temporaryPath("cli") + ".json"
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension CLI {
    /// Any program found on PATH (bash, python3), its output and exit status.
    static func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try launch("/usr/bin/env", arguments, environment: environment)
    }
}
