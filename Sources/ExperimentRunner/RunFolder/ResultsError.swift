import Foundation

/// A results folder that cannot be written or read as it must be: one line naming the path,
/// what went wrong and what to do. Exit code 2: the user must fix it (a read-only or full
/// disk, a file where a folder belongs, a name too long).
public struct ResultsError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// The error of a failed system call on `path`, with the remedy for the usual causes.
    public init(path: String, errno code: Int32, doing what: String) {
        self.path = path
        let reason = String(cString: strerror(code)).lowercased()
        switch code {
        case EACCES, EPERM: message = "cannot \(what): \(reason); fix the permissions or choose another --results folder"
        case EROFS: message = "cannot \(what): \(reason); choose a writable --results folder"
        case ENOSPC, EDQUOT: message = "cannot \(what): \(reason); free some space and run again (complete runs are kept)"
        case ENAMETOOLONG: message = "cannot \(what): \(reason); use a shorter name or --results path"
        case ENOTDIR, EEXIST: message = "cannot \(what): a file stands where a folder belongs; move it or choose another --results folder"
        default: message = "cannot \(what): \(reason)"
        }
    }

    /// A symbolic link where backprop writes: never written through (SECURITY.md).
    public static func link(_ path: String) -> ResultsError {
        ResultsError(path: path, message: "is a symbolic link: backprop never writes through a link inside a results folder (it could point anywhere); remove it and run again")
    }

    public var description: String { "\(path): \(message)" }
    public var errorDescription: String? { description }
}
