import Foundation

/// What the program at `path` prints on its standard output, given `arguments` (and `input` on
/// its standard input); nil when it is not installed here. For tests that check a file with
/// a tool (pdffonts, pdfinfo, sha256sum) wherever the tool is.
public func toolOutput(_ path: String, _ arguments: [String], input: Data? = nil) throws -> String? {
    guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
    let p = Process(), out = Pipe(), inPipe = Pipe()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    p.standardOutput = out
    if input != nil { p.standardInput = inPipe }
    try p.run()
    if let input {
        inPipe.fileHandleForWriting.write(input)
        try inPipe.fileHandleForWriting.close()
    }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return text
}
