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
    /// How it behaves now.
    public var configuration: SandboxConfiguration { settings.current }
    /// The port it listens on (the real one when started with port 0).
    public let port: Int
    private let settings: SandboxSettings
    private let state: SandboxState
    private let task: Task<Void, any Error>

    /// The base URL to give an environment, such as `http://127.0.0.1:8787`.
    public var url: String { Self.url(host: configuration.host, port: port) }

    /// `http://HOST:PORT`, an IPv6 address in brackets.
    public static func url(host: String, port: Int) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    private init(settings: SandboxSettings, port: Int, state: SandboxState, task: Task<Void, any Error>) {
        self.settings = settings
        self.port = port
        self.state = state
        self.task = task
    }

    /// Starts the sandbox in this process and returns once it listens. `stop()` ends it.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        try await start(configuration, state: SandboxState(seed: configuration.seed))
    }

    /// Applies `change` to the running sandbox's behaviour (latency, failures, resets...), keeping its port,
    /// what it received and the Request-IDs it knows: the platform misbehaving differently from now on.
    public func reconfigure(_ change: (inout SandboxConfiguration) -> Void) {
        settings.change(change)
    }

    private static func start(_ configuration: SandboxConfiguration, state: SandboxState) async throws
        -> SandboxServer
    {
        let (ports, portSink) = AsyncStream<Int?>.makeStream()
        let settings = SandboxSettings(configuration)
        let application = makeApplication(settings, state: state) { port in portSink.yield(port) }
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
            var reason = "it stopped"
            if case .failure(let error) = await task.result { reason = "\(error)" }
            throw SandboxError.cannotListen(host: configuration.host, port: configuration.port, reason: reason)
        }
        return SandboxServer(settings: settings, port: port, state: state, task: task)
    }

    /// Runs the sandbox until SIGINT or SIGTERM; `started` is told the port once it listens.
    public static func run(_ configuration: SandboxConfiguration, started: @escaping @Sendable (Int) -> Void)
        async throws
    {
        let application = makeApplication(
            SandboxSettings(configuration), state: SandboxState(seed: configuration.seed)
        ) { port in
            if let port { started(port) }
        }
        do {
            try await application.runService(gracefulShutdownSignals: [.sigint, .sigterm])
        } catch {
            throw SandboxError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)")
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
        _ settings: SandboxSettings, state: SandboxState, onPort: @escaping @Sendable (Int?) -> Void
    ) -> some ApplicationProtocol {
        let configuration = settings.current
        var logger = Logger(label: "salvo.sandbox")
        logger.logLevel = .critical
        let handler = SandboxHandler(settings: settings, state: state)
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
    case cannotListen(host: String, port: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "the sandbox cannot listen on \(host):\(port): \(reason) (is the port taken? --port 0 picks a free one)"
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
