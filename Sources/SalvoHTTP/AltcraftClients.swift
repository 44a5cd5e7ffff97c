import SalvoCore
import Synchronization

/// The clients of one run: one per base URL and TLS setting its environments use (each keeps its own
/// connection pool and proxy), made on first use and shut down together.
public final class AltcraftClients: Sendable {
    private let clients = Mutex<[String: AltcraftClient]>([:])
    private let connections: Int

    /// Clients that keep up to `connections` connections to each host: a run's concurrency, so that every launch
    /// it has in flight is on the wire (AsyncHTTPClient's own default, 8, queued the rest).
    public init(connections: Int = 8) {
        self.connections = connections
    }

    /// The client for launches to `environment`.
    public func client(for environment: Environment) -> AltcraftClient {
        clients.withLock { clients in
            let key = "\(environment.insecure ? "insecure" : "verified") \(environment.baseURL)"
            if let client = clients[key] { return client }
            let client = AltcraftClient(
                baseURL: environment.baseURL, insecure: environment.insecure, connections: connections)
            clients[key] = client
            return client
        }
    }

    /// Closes every client's connection pool.
    public func shutdown() async {
        for client in clients.withLock({ Array($0.values) }) { await client.shutdown() }
    }
}
