import SalvoCore
import SalvoStorage

/// The quickstart's loop on a store: an environment named `sandbox` pointed at a running sandbox, two requests
/// from the Altcraft user guide, and their sends. Safe to run again: it updates what is there.
public struct QuickstartTour: Sendable {
    public static let environmentName = "sandbox"
    public static let requests = [
        LaunchRequest(
            name: "welcome", kind: .trigger, method: LaunchRequest.triggerMethod, folder: "quickstart",
            environment: environmentName, body: ["id": 1, "matching": "email", "email": "zaycev@example.com"]),
        LaunchRequest(
            name: "vk-catalog", kind: .trigger, method: LaunchRequest.triggerMethod, folder: "quickstart",
            environment: environmentName,
            body: ["id": 5, "matching": "custom", "field_name": "vk_id", "field_value": "123456"]),
    ]

    /// What setting up did.
    public struct SetUp: Sendable {
        /// Whether the environment was new (else it was pointed at the sandbox).
        public var addedEnvironment: Bool
        /// The tour's requests that were missing and were added.
        public var addedRequests: [LaunchRequest]
    }

    public let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    /// The token of an existing sandbox environment, kept so that earlier launches stay comparable.
    public func existingToken() async -> String? {
        guard let environment = try? await context.store.environment(named: Self.environmentName),
            case .stored(let token) = environment.token
        else { return nil }
        return token
    }

    /// Points the `sandbox` environment at `url` with `token` (adding it with its guard off, so the tour can run
    /// again) and adds the tour's requests that are missing.
    public func setUp(url: String, token: String) async throws -> SetUp {
        let store = context.store
        var done = SetUp(addedEnvironment: false, addedRequests: [])
        if (try? await store.environment(named: Self.environmentName)) == nil {
            try await store.addEnvironment(
                Environment(name: Self.environmentName, baseURL: url, token: .stored(token), guardSeconds: 0))
            done.addedEnvironment = true
        } else {
            try await store.updateEnvironment(named: Self.environmentName) { environment in
                environment.baseURL = url
                environment.token = .stored(token)
            }
        }
        for request in Self.requests where (try? await store.request(named: request.name)) == nil {
            try await store.addRequest(request)
            done.addedRequests.append(request)
        }
        return done
    }

    /// Sends one of the tour's requests to the sandbox.
    public func send(_ request: LaunchRequest) async throws -> SentLaunch {
        let service = SendService(context: context)
        let ready = try await service.prepare(request.name, environment: Self.environmentName, variables: [:])
        return try await service.send(ready, force: false, timeoutSeconds: 10)
    }
}
