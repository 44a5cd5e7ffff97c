import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SalvoCore

/// Sends launches over HTTP with one shared AsyncHTTPClient (one connection pool per process), verifying TLS
/// unless the environment says `insecure`, through the proxy the usual variables name.
public final class AltcraftClient: Sendable {
    /// Bodies larger than this are cut and the launch rejected (the platform's own limit is 10 MB).
    public static let maximumResponseBytes = 16 * 1024 * 1024

    private let client: HTTPClient

    /// A client for `baseURL` (its scheme and host choose the proxy) that keeps up to `connections` connections
    /// to a host. `connectTimeout` bounds making a connection; each send has its own total timeout.
    public init(
        baseURL: String, insecure: Bool, connections: Int = 8, connectTimeout: Duration = .seconds(5),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        var configuration = HTTPClient.Configuration(certificateVerification: insecure ? .none : .fullVerification)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connections)
        configuration.timeout = .init(connect: .init(connectTimeout), read: nil)
        if let proxy = ProxySettings.proxy(for: baseURL, environment: environment) {
            configuration.proxy = .server(host: proxy.host, port: proxy.port)
        }
        // No decompression: it would add an Accept-Encoding header salvo did not decide (the ledger records every
        // header that leaves), and the platform's answers are small.
        configuration.decompression = .disabled
        // A refused connection fails the launch at once (not sent: salvo's own --retries apply), instead of being
        // retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends one POST and waits at most `timeout` for the complete answer.
    public func send(url: String, headers: [PreparedLaunch.Header], body: String, timeout: Duration) async -> Exchange {
        let start = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - start
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let bytes: ByteBuffer
            do {
                bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
            } catch is NIOTooManyBytesError {
                return .answered(
                    status: Int(response.status.code), headers: Self.headers(response.headers),
                    body: Array("(response body larger than \(Self.maximumResponseBytes) bytes, not kept)".utf8),
                    milliseconds: elapsed())
            }
            return .answered(
                status: Int(response.status.code), headers: Self.headers(response.headers),
                body: Array(buffer: bytes), milliseconds: elapsed())
        } catch {
            return .failed(TransportErrors.describe(error, url: url, timeout: timeout), milliseconds: elapsed())
        }
    }

    /// Closes the connection pool.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Runs `body` with a client for `environment` and shuts the client down afterwards, whatever happens.
    public static func using<T>(_ environment: Environment, _ body: (AltcraftClient) async throws -> T) async throws
        -> T
    {
        let client = AltcraftClient(baseURL: environment.baseURL, insecure: environment.insecure)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private static func headers(_ headers: HTTPHeaders) -> [PreparedLaunch.Header] {
        headers.map { PreparedLaunch.Header(name: $0.name, value: $0.value) }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let components = duration.components
        self = .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
