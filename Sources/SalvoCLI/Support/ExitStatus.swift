import ArgumentParser
import SalvoCore
import SalvoRunner
import SalvoStorage

/// salvo's exit codes, the same for every command (README, `salvo --help`).
enum ExitStatus: Int32 {
    /// Everything asked for succeeded.
    case success = 0
    /// At least one launch was rejected, or an audit check failed.
    case rejected = 1
    /// Bad input: usage, validation, unknown name, unreadable or invalid file, unresolved variable.
    case badInput = 2
    /// Transport: the server could not be reached or the outcome of a launch is unknown.
    case transport = 3
    /// The store: locked past the timeout, corrupt, unreadable, or written by a newer salvo.
    case store = 4

    /// The documentation of the codes, as `--help` shows it.
    static let help = """
        Exit codes:
          0  everything asked for succeeded
          1  a launch was rejected, or an audit check failed
          2  bad input: usage, validation, unknown name, bad file, unresolved
             variable; nothing was sent or changed
          3  transport: the server could not be reached, or the outcome of a
             launch is unknown
          4  the store: missing, locked past the timeout, corrupt, unreadable,
             or written by a newer salvo; or a report that could not be
             written after launches went out
          130  a second Ctrl-C left at once; `salvo run --resume RUN` finishes
             the run
        """

    /// The code for an error that ended a command.
    static func code(for error: any Error) -> ExitStatus {
        switch error {
        case let error as StoreError: error.isInputError ? .badInput : .store
        case let error as CommandError: error.status
        case let error as RunnerError: error.isInputError ? .badInput : .transport
        default: .badInput
        }
    }
}

/// An error raised by a command itself, with the exit status it calls for.
struct CommandError: Error, CustomStringConvertible {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus = .badInput) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}
