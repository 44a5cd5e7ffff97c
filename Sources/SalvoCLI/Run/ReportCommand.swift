import ArgumentParser
import SalvoCore
import SalvoRunner

/// `salvo report RUN`: a run's report, built from the ledger at any time.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report from the ledger: the whole run, however often it was resumed.",
        discussion: """
            The same reports as `salvo run --report`, built from what the ledger
            holds: every launch of the run with its latest outcome. A run still
            going, or stopped, is reported as far as it went.

            Examples:
              salvo report 12 --format junit --out results.xml
              salvo report 12 --format html --out run-12.html
              salvo report 12 | jq .summary
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run's id (`salvo runs` lists them).", completion: NameCompletion.runs) var id: Int64
    @Option(help: ArgumentHelp("The report's format.", valueName: "json|junit|html")) var format: ReportKind = .json
    @Option(
        help: ArgumentHelp(
            "Write to this file (created or truncated, as a shell's > does) instead of stdout; - is stdout.",
            valueName: "file"), completion: .file())
    var out = "-"

    func run() async throws {
        let context = CommandContext(global)
        let target = ReportTarget(kind: format, output: OutputPath(path: out))
        try target.output.check(flag: "--out ", sparing: context.storeFiles)
        try await context.withStore { store in
            _ = try await store.run(id: id)
            try await RunReportBuilder(context: context.runner(store)).write(target, run: id)
        }
        if out != "-" { context.console.note("wrote the \(format.rawValue) report of run \(id) to \(out)") }
    }
}

extension ReportKind: ExpressibleByArgument {}
