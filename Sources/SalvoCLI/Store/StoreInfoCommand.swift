import ArgumentParser
import SalvoCore

/// `salvo store info`.
struct StoreInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the store's path, schema version, size and counts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let info = try await context.withStore { store in try await store.info() }
        if output.json {
            let json: JSONValue = [
                "path": .string(info.path), "schema_version": .integer(info.schemaVersion),
                "known_schema_version": .integer(info.knownVersion), "size_bytes": .number(String(info.sizeBytes)),
                "environments": .integer(info.environments), "requests": .integer(info.requests),
                "audit_events": .integer(info.auditEvents),
                "default_environment": info.defaultEnvironment.map { .string($0) } ?? .null,
            ]
            context.console.out(json.pretty)
            return
        }
        context.console.out(
            """
            path          \(info.path)
            schema        version \(info.schemaVersion) (this salvo knows up to \(info.knownVersion))
            size          \(info.sizeBytes) bytes
            environments  \(info.environments)\(info.defaultEnvironment.map { " (default: \($0))" } ?? "")
            requests      \(info.requests)
            audit events  \(info.auditEvents)
            """)
    }
}
