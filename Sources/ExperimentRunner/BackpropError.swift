import BackpropData

/// An error the user can act on: one line (`description`) naming the file and the field,
/// and the exit code the command ends with. The command line catches this one type.
///
/// Errors are typed by what went wrong: the spec (`SpecError`), a data file (`DataError`),
/// the results folder (`ResultsError`). Each says which exit code it means.
public protocol BackpropError: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}

/// 2: the spec must be fixed.
extension SpecError: BackpropError {
    public var exitCode: Int32 { 2 }
}

/// 2: the data must be fixed.
extension DataError: BackpropError {
    public var exitCode: Int32 { 2 }
}

/// 2: the results folder must be fixed (permissions, space, a conflicting run).
extension ResultsError: BackpropError {
    public var exitCode: Int32 { 2 }
}

/// A command-line value that cannot be used (a control character in a path or option that
/// goes into a script, say), on one line naming the option. 2: the command line must be fixed.
public struct OptionError: BackpropError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var exitCode: Int32 { 2 }
}
