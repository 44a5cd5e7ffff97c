import PackagePlugin

/// Embeds the target's `.sql` migrations into a generated Swift source, so a copied binary carries its schema.
///
/// The migration files are the plugin's inputs: SwiftPM re-runs it when one is added, edited or deleted
/// (see FINDINGS.md on why neither resources nor a plugin on the store target work on Linux).
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let migrations = target.sourceFiles
            .map(\.url)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(migrations.count) migrations",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: [output.path()] + migrations.map { $0.path() },
                inputFiles: migrations,
                outputFiles: [output]
            )
        ]
    }
}
