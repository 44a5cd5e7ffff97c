import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SalvoCore

/// An Altcraft-compatible HTTP server for trying collections safely and for tests: answers the launch
/// methods like the platform, de-duplicates by Request-ID, misbehaves on purpose when asked, and records
/// everything it receives at `GET /_sandbox/launches`.
public final class SandboxServer: Sendable {
    public let configuration: SandboxConfiguration
    /// The port it listens on (the real one when started with port 0).
    public let port: Int
    private let state: SandboxState
    private let task: Task<Void, any Error>

    /// The base URL to give an environment, such as `http://127.0.0.1:8787`.
    public var url: String { "http://\(configuration.host):\(port)" }

    private init(configuration: SandboxConfiguration, port: Int, state: SandboxState, task: Task<Void, any Error>) {
        self.configuration = configuration
        self.port = port
        self.state = state
        self.task = task
    }

    /// Starts the sandbox in this process and returns once it listens. `stop()` ends it.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        try await start(configuration, state: SandboxState(seed: configuration.seed))
    }

    /// Stops this sandbox and starts it again on the same port with `change` applied to its configuration,
    /// keeping what it received and the Request-IDs it knows: the platform misbehaving differently.
    public func restarted(_ change: (inout SandboxConfiguration) -> Void) async throws -> SandboxServer {
        await stop()
        var configuration = configuration
        configuration.port = port
        change(&configuration)
        return try await Self.start(configuration, state: state)
    }

    private static func start(_ configuration: SandboxConfiguration, state: SandboxState) async throws
        -> SandboxServer
    {
        let (ports, portSink) = AsyncStream<Int?>.makeStream()
        let application = makeApplication(configuration, state: state) { port in portSink.yield(port) }
        let task = Task {
            do {
                try await application.runService(gracefulShutdownSignals: [])
            } catch {
                portSink.yield(nil)
                throw error
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() ?? nil else {
            _ = await task.result
            throw SandboxError.cannotListen(host: configuration.host, port: configuration.port)
        }
        return SandboxServer(configuration: configuration, port: port, state: state, task: task)
    }

    /// Runs the sandbox until SIGINT or SIGTERM; `started` is told the port once it listens.
    public static func run(_ configuration: SandboxConfiguration, started: @escaping @Sendable (Int) -> Void)
        async throws
    {
        let application = makeApplication(configuration, state: SandboxState(seed: configuration.seed)) { port in
            if let port { started(port) }
        }
        do {
            try await application.runService(gracefulShutdownSignals: [.sigint, .sigterm])
        } catch {
            throw SandboxError.cannotListen(host: configuration.host, port: configuration.port)
        }
    }

    /// Stops the server and waits for it to close.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Everything received so far, oldest first.
    public func records() async -> [SandboxRecord] {
        await state.records
    }

    private static func makeApplication(
        _ configuration: SandboxConfiguration, state: SandboxState, onPort: @escaping @Sendable (Int?) -> Void
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "salvo.sandbox")
        logger.logLevel = .critical
        let handler = SandboxHandler(configuration: configuration, state: state)
        return Application(
            responder: CallbackResponder { (request: Request, context: SandboxContext) in
                try await handler.respond(to: request, context: context).response
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in onPort(channel.localAddress?.port) },
            logger: logger)
    }
}

/// The sandbox's failures.
public enum SandboxError: LocalizedError {
    case cannotListen(host: String, port: Int)

    public var errorDescription: String? {
        switch self {
        case .cannotListen(let host, let port):
            "the sandbox cannot listen on \(host):\(port) (is the port taken? --port 0 picks a free one)"
        }
    }
}

/// Hummingbird's request context with the connection's channel, so a reset can close it unanswered.
struct SandboxContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
