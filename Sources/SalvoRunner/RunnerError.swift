import Foundation

/// What the services cannot do, as facts; the command line adds what to do about it.
public enum RunnerError: Error, LocalizedError, Equatable {
    /// A run of one stopped before its launch went.
    case stoppedBeforeLaunch(run: Int64)
    /// The environment reads its token from a variable that is not set in this process.
    case tokenNotSet(environment: String, variable: String)
    /// The request names no environment, none was given, and the store has no default.
    case noEnvironment(request: String)
    /// Only runs and sends are resumed.
    case notResumable(run: Int64, kind: String)

    /// Whether the error is about what was asked (exit 2) rather than the network (exit 3).
    public var isInputError: Bool {
        if case .stoppedBeforeLaunch = self { return false }
        return true
    }

    public var errorDescription: String? {
        switch self {
        case .stoppedBeforeLaunch(let run): "run \(run) stopped before its launch"
        case .tokenNotSet(let environment, let variable):
            "environment '\(environment)' reads its token from $\(variable), which is not set"
        case .noEnvironment(let request): "request '\(request)' has no environment"
        case .notResumable(let run, let kind): "run \(run) is a \(kind); only runs and sends can be resumed"
        }
    }
}
