import ArgumentParser
import Foundation
import SalvoCore
import SalvoStorage

/// `salvo import FILE`: Postman collections and environments, and salvo bundles, into the store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Postman collection (v2.0, v2.1), a Postman environment or a salvo bundle.",
        discussion: """
            All or nothing: an invalid file, or a name already in the store under
            --on-conflict fail (the default), imports nothing and names the item
            and its JSON path. POSTs to .../api/v1.1/campaigns/triggers/start with
            a JSON body become trigger requests, other POSTs method requests;
            folders stay folders; {{variables}} are kept. Scripts, non-JSON bodies,
            GET requests and the like are listed as skipped, with the reason.
            An environment from a file without its token reads it from
            $SALVO_TOKEN until you give one with `salvo env edit NAME --token-stdin`.

            Examples:
              salvo import team.postman_collection.json --dry-run
              salvo import onboarding.salvo.json --on-conflict rename
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to import.", completion: .file()) var file: String
    @Option(
        help: ArgumentHelp("When a name is already in the store: fail, skip, rename or replace.", valueName: "policy"))
    var onConflict: ConflictPolicy = .fail
    @Flag(help: "Check everything and report, import nothing.") var dryRun = false
    @OptionGroup var output: OutputOptions

    /// Larger files are refused before they are read: no collection of launch requests comes near it.
    static let maximumBytes = 64 << 20

    func run() async throws {
        let context = CommandContext(global)
        let bundle: ImportBundle
        do {
            bundle = try ImportBundle.read(try Self.text(of: file))
        } catch let error as InputError {
            throw InputError("\(file): \(error.message); nothing was imported")
        }
        let entries = try await context.withStore(creating: !dryRun) { store in
            try await store.importBundle(bundle, onConflict: onConflict, dryRun: dryRun)
        }
        let report = ImportReport(bundle: bundle, entries: entries, dryRun: dryRun)
        context.console.out(output.json ? report.json.pretty : report.lines.joined(separator: "\n"))
    }

    private static func text(of path: String) throws -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw InputError("no such file")
        }
        guard attributes[.type] as? FileAttributeType != .typeDirectory else {
            throw InputError("this is a folder; give the exported file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumBytes else {
            throw InputError("the file is \(size >> 20) MB; salvo imports files of up to \(maximumBytes >> 20) MB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("permission denied")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw InputError("the file is not UTF-8 text; export it again as JSON")
        }
        return text
    }
}

extension ConflictPolicy: ExpressibleByArgument {}
