import Foundation

/// `path` made absolute against the working folder, with `.` and `..` resolved.
func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}

/// The path of `file` relative to the folder `dir` (both absolute).
func relativePath(from dir: String, to file: String) -> String {
    let a = dir.split(separator: "/"), b = file.split(separator: "/")
    var common = 0
    while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
    return (Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)).joined(separator: "/")
}
