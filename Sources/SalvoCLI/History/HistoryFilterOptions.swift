import ArgumentParser
import Foundation
import SalvoCore
import SalvoStorage

/// The ledger filters `history` and `export history` share.
struct HistoryFilterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Only launches of this request.", valueName: "name"), completion: NameCompletion.requests)
    var request: String?
    @Option(
        help: ArgumentHelp("Only launches to this environment.", valueName: "name"),
        completion: NameCompletion.environments) var env: String?
    @Option(
        help: ArgumentHelp("Only launches that ended so.", valueName: "ok|rejected|unknown|not-sent|skipped"),
        completion: NameCompletion.statuses)
    var status: String?
    @Option(
        help: ArgumentHelp(
            "Only launches from this time on (2026-11-29, 2026-11-29T08:00:00Z, 24h).", valueName: "time"))
    var since: String?
    @Option(help: ArgumentHelp("Only launches before this time.", valueName: "time")) var until: String?
    @Option(
        help: ArgumentHelp(
            "Only launches to this recipient (an address, phone, id or FIELD=VALUE).", valueName: "recipient"))
    var recipient: String?
    @Option(
        name: .customLong("run"), help: ArgumentHelp("Only launches of this run.", valueName: "run"),
        completion: NameCompletion.runs) var runID: Int64?

    func validate() throws {
        if let status, LaunchResult(rawValue: status) == nil {
            throw ValidationError(
                "--status must be one of \(LaunchResult.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The store's filter for these options.
    func filter(limit: Int) throws -> HistoryFilter {
        let now = Date()
        func time(_ text: String?) throws -> String? {
            try text.map { text throws(InputError) in Timestamp.string(from: try Timestamp.parse(text, now: now)) }
        }
        return HistoryFilter(
            request: request, environment: env, result: status.flatMap(LaunchResult.init(rawValue:)),
            since: try time(since), until: try time(until), recipient: recipient, runID: runID, limit: limit)
    }
}
