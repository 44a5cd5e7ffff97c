import Foundation
import SalvoCore
import SalvoStorage

/// Where a service tells people what it is doing: notes (progress, what a resume found) and warnings. The
/// command line writes them to stderr; tests keep them.
public protocol Diagnostics: Sendable {
    func note(_ text: String)
    func warn(_ text: String)
    func error(_ text: String)
}

/// What the services need from the world, given rather than reached for: the store, who is running them, the
/// process environment (tokens named by `--token-env`), the clock, Request-IDs, and where diagnostics go.
/// The command line builds the live one; tests build one with a temporary store, a fixed clock and captured
/// diagnostics.
public struct RunnerContext: Sendable {
    public var store: any Storage
    public var author: Operator
    public var environment: [String: String]
    public var clock: @Sendable () -> Date
    public var newRequestID: @Sendable () -> String
    public var diagnostics: any Diagnostics
    /// Where `-` (standard output) writes.
    public var standardOutput: @Sendable () -> OutputFile

    public init(
        store: any Storage, author: Operator, environment: [String: String], diagnostics: any Diagnostics,
        standardOutput: @escaping @Sendable () -> OutputFile, clock: @escaping @Sendable () -> Date = { Date() },
        newRequestID: @escaping @Sendable () -> String = { RequestID.random() }
    ) {
        self.standardOutput = standardOutput
        self.store = store
        self.author = author
        self.environment = environment
        self.diagnostics = diagnostics
        self.clock = clock
        self.newRequestID = newRequestID
    }

    /// The environment's token: stored, or read now from its variable.
    public func token(of environment: Environment) throws -> String {
        switch environment.token {
        case .stored(let token): return token
        case .variable(let variable):
            guard let token = self.environment[variable], !token.isEmpty else {
                throw RunnerError.tokenNotSet(environment: environment.name, variable: variable)
            }
            return token
        }
    }

    /// Where a launch of `request` goes: `override` (`--env`), else the request's own environment, else the
    /// store's default.
    public func environmentName(for request: LaunchRequest, override: String?) async throws -> String {
        if let name = override ?? request.environment { return name }
        guard let name = try await store.defaultEnvironmentName() else {
            throw RunnerError.noEnvironment(request: request.name)
        }
        return name
    }
}
