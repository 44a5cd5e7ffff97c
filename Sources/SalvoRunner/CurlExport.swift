import SalvoCore
import SalvoStorage

/// A runnable curl command for a saved request (rendered, as `send` would send it) or a past launch (exactly
/// as sent, with its Request-ID). The token is read from `$SALVO_TOKEN` unless it is asked for.
public struct CurlExport: Sendable {
    public let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    /// The command for `target`: `#ID` is a ledger id; a name is a saved request (all digits: a request of that
    /// name if there is one, else a ledger id).
    public func command(
        for target: String, environment: String?, variables: [String: String], includeSecrets: Bool
    ) async throws -> String {
        let store = context.store
        if let id = try await ledgerID(in: target) {
            let detail = try await store.launch(id: id)
            guard let recorded = detail.attempts.last?.attempt else {
                throw StoreError.notFound(kind: "ledger entry", name: "#\(id)")
            }
            let launch = PreparedLaunch(
                url: recorded.url, headers: recorded.headers, body: (try? JSONParser.parse(recorded.body)) ?? .null)
            var token: String?
            if includeSecrets {
                var sentTo = try await recorded.environmentUID.asyncFlatMap(store.environment(uid:))
                if sentTo == nil { sentTo = try await store.environment(named: recorded.environment) }
                token = try context.token(of: sentTo!)
            }
            return CurlCommand.render(
                launch, mask: "<token \(recorded.tokenFingerprint)>", keepRequestID: true, token: token)
        }
        let ready = try await SendService(context: context).prepare(
            target, environment: environment, variables: variables)
        let mask = LaunchBuilder.tokenMask(ready.environment.token, fingerprinter: store.fingerprinter)
        let launch = LaunchBuilder.prepare(
            body: ready.body, method: ready.request.method, environment: ready.environment, token: mask)
        return CurlCommand.render(launch, mask: mask, token: includeSecrets ? ready.token : nil)
    }

    private func ledgerID(in target: String) async throws -> Int64? {
        if target.hasPrefix("#") {
            guard let id = Int64(target.dropFirst()), id > 0 else {
                throw InputError("'\(target)' is not a ledger id: write # then the number, such as #42")
            }
            return id
        }
        guard let id = Int64(target), target.allSatisfy(\.isNumber) else { return nil }
        return (try? await context.store.request(named: target)) == nil ? id : nil
    }
}
