import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// What a run launches and how: resolved once, saved with the run so `--resume` walks the same positions.
struct RunPlanSpec {
    /// A selected request with the environment its launches go to and that environment's token.
    struct Target {
        var request: LaunchRequest
        var environment: Environment
        var token: String
    }

    var targets: [Target]
    /// `--var` values (data rows override them; they override the environment's).
    var variables: [String: String]
    var data: DataFile?
    var iterations: Int

    /// The environments the run launches to, each once, in the order of the selection.
    var environmentNames: [String] {
        targets.map(\.environment.name).reduce(into: []) { names, name in
            if !names.contains(name) { names.append(name) }
        }
    }

    /// The run's record: where each request goes, and `settings`. A token pasted into a `--var` value is kept
    /// as its mask, as the ledger keeps it; `unmasking` puts it back for a resume.
    func record(_ settings: RunRecord, fingerprinter: TokenFingerprinter) -> RunRecord {
        var record = settings
        record.targets = targets.map {
            RunRecord.Target(
                request: $0.request.name, requestUID: $0.request.uid, environment: $0.environment.name,
                environmentUID: $0.environment.uid)
        }
        record.variables = variables.mapValues { value in
            tokens.reduce(value) { text, token in
                token.count < LaunchPlan.minimumMaskedLength
                    ? text : text.replacing(token, with: "<token \(fingerprinter.fingerprint(token))>")
            }
        }
        record.iterations = iterations
        return record
    }

    /// Recorded `--var` values with the targets' tokens back in place of their masks.
    static func unmasking(_ variables: [String: String], targets: [Target], fingerprinter: TokenFingerprinter)
        -> [String: String]
    {
        variables.mapValues { value in
            targets.reduce(value) { text, target in
                text.replacing("<token \(fingerprinter.fingerprint(target.token))>", with: target.token)
            }
        }
    }

    private var tokens: Set<String> { Set(targets.map(\.token)) }
}

/// Selects, checks and walks a run's launches: the service behind `salvo run`.
struct RunService {
    let store: Store
    let context: CommandContext

    /// The requests a selection names, in run order: named ones as given, else the collection's order.
    func requests(names: [String], folder: String?, tag: String?) throws -> [LaunchRequest] {
        if let folder { try Name.validateFolder(folder) }
        var selected: [LaunchRequest]
        if names.isEmpty {
            selected = try store.requests(inFolder: folder, tag: tag)
        } else {
            selected = try names.map { try store.request(named: $0) }
            if let folder {
                selected = selected.filter { $0.folder == folder || $0.folder.hasPrefix(folder + "/") }
            }
            if let tag { selected = selected.filter { $0.tags.contains(tag) } }
        }
        guard !selected.isEmpty else {
            throw InputError("nothing to run: no request matches the names, --folder and --tag given")
        }
        return selected
    }

    /// Each request with its environment, resolved as `send` resolves it: `--env`, else the request's own,
    /// else the store's default; and each environment's token.
    func targets(for requests: [LaunchRequest], override: String?) throws -> [RunPlanSpec.Target] {
        let launches = LaunchService(store: store, context: context)
        var environments: [String: (Environment, String)] = [:]
        return try requests.map { request in
            let name = try launches.environmentName(for: request, override: override)
            if environments[name] == nil {
                let environment = try store.environment(named: name)
                environments[name] = (environment, try launches.token(of: environment))
            }
            let (environment, token) = environments[name]!
            return RunPlanSpec.Target(request: request, environment: environment, token: token)
        }
    }

    /// What `validate` found.
    struct Checked {
        /// Data rows (1 without data).
        var rows: Int
        var sha256: String?
        /// The first rendered launches, token masked.
        var samples: [PreparedLaunch]
        /// Launches of one iteration identical (by their environment's guard rule) to an earlier one, when asked.
        var duplicates: DuplicateFinder<GuardKey>?
    }

    /// Reads the whole data file once and renders every launch, so bad input stops the run before anything is
    /// sent. With `findDuplicates`, also finds the launches identical to an earlier one (reading the file a second
    /// time only when there are any), in memory that does not grow with the file.
    func validate(_ spec: RunPlanSpec, samples: Int, findDuplicates: Bool = false) throws -> Checked {
        var checked = Checked(rows: 0, samples: [], duplicates: findDuplicates ? DuplicateFinder<GuardKey>() : nil)
        func check(_ row: DataRow?) throws {
            for target in spec.targets {
                let body = try render(target, spec: spec, row: row)
                checked.duplicates?.note(Self.guardKey(target, body: body))
                if checked.samples.count < samples {
                    let mask = LaunchBuilder.tokenMask(target.environment.token, fingerprinter: store.fingerprinter)
                    checked.samples.append(
                        LaunchBuilder.prepare(
                            body: body, method: target.request.method, environment: target.environment, token: mask,
                            requestID: "(a new one when sent)"))
                }
            }
        }
        guard let data = spec.data else {
            try check(nil)
            checked.rows = 1
            if checked.duplicates?.needsSecondPass == true {
                for target in spec.targets {
                    checked.duplicates?.count(
                        Self.guardKey(target, body: try render(target, spec: spec, row: nil)), line: 0)
                }
            }
            return checked
        }
        let (reader, hash) = try data.open()
        var rows = reader
        if let columns = rows.columns { try checkColumns(columns, spec: spec, file: data.path) }
        do {
            while let row = try rows.next() {
                try check(row)
                checked.rows += 1
            }
            if checked.duplicates?.needsSecondPass == true {
                var again = try data.open().reader
                while let row = try again.next() {
                    for target in spec.targets {
                        checked.duplicates?.count(
                            Self.guardKey(target, body: try render(target, spec: spec, row: row)), line: row.line)
                    }
                }
            }
        } catch let error as DataFileError {
            throw InputError("--data \(data.path): \(error)")
        }
        guard checked.rows > 0 else { throw InputError("--data \(data.path) has no rows") }
        checked.sha256 = hash()
        return checked
    }

    /// What makes two launches identical under their environment's guard rule, for `--dry-run`: the same
    /// environment and method, and the same body (`content`) or trigger and recipient (`recipient`).
    struct GuardKey: Hashable, Sendable {
        var environment: String
        var method: String
        var body: JSONValue?
        var trigger: String?
        var recipient: String?
    }

    static func guardKey(_ target: RunPlanSpec.Target, body: JSONValue) -> GuardKey {
        var key = GuardKey(
            environment: target.environment.uid ?? target.environment.name, method: target.request.method)
        switch target.environment.guardRule {
        case .content: key.body = body
        case .recipient:
            let identity = LaunchIdentity(body: body, kind: target.request.kind)
            key.trigger = identity.trigger
            key.recipient = identity.recipient
        }
        return key
    }

    /// The body of a target's request for `row`, with a message naming the row when a value is missing or wrong.
    func render(_ target: RunPlanSpec.Target, spec: RunPlanSpec, row: DataRow?) throws -> JSONValue {
        var values = target.environment.variables.merging(spec.variables) { _, new in new }
        if let row { values.merge(row.fields) { _, new in new } }
        do {
            return try LaunchBuilder.render(target.request, variables: values).body
        } catch {
            guard let row, let data = spec.data else { throw error }
            throw InputError("--data \(data.path) line \(row.line) (row \(row.number)): \(error.message)")
        }
    }

    private func checkColumns(_ columns: [String], spec: RunPlanSpec, file: String) throws {
        let provided = Set(columns).union(spec.variables.keys)
        let missing = spec.targets.flatMap { target in
            target.request.variables.filter { !provided.contains($0) && target.environment.variables[$0] == nil }
        }.reduce(into: [String]()) { list, name in
            if !list.contains(name) { list.append(name) }
        }
        guard missing.isEmpty else {
            throw InputError(
                "--data \(file) has no column for \(missing.map { "{{\($0)}}" }.joined(separator: ", ")) "
                    + "(its columns: \(columns.joined(separator: ", "))); add the column or give --var")
        }
    }
}

/// Walks a run's positions (iterations, then data rows, then requests) and makes each launch, skipping those a
/// resume finds final and re-sending those it finds unfinished with their Request-ID.
final class LaunchProducer {
    private let spec: RunPlanSpec
    private let service: RunService
    private let runID: Int64
    private let resuming: Bool
    private var iteration = 1
    private var reader: (any DataRowReader)?
    private var row: DataRow?
    private var requestIndex = 0
    private var rowConsumed = true
    private var ordinal = 0
    private var states: [Int: LaunchState] = [:]
    private var statesRange: ClosedRange<Int>?
    /// Positions a resume found already final.
    private(set) var alreadyFinal = 0
    /// Unknown launches a resume left alone: first tried too long ago for the platform to de-duplicate.
    private(set) var staleUnknown = 0
    private let resendStale: Bool
    private let guards: [DuplicateGuard?]
    private let now: Date

    static let stateChunk = 4_096

    /// `unguarded` turns the duplicate guard off (`--force`); `resendStale` re-sends even unknown launches first
    /// tried longer ago than the platform's de-duplication window (a resume's `--force`).
    init(
        spec: RunPlanSpec, service: RunService, runID: Int64, resuming: Bool,
        unguarded: Bool, resendStale: Bool = false, now: Date = Date()
    ) {
        self.spec = spec
        self.service = service
        self.runID = runID
        self.resuming = resuming
        self.resendStale = resendStale
        self.now = now
        guards = spec.targets.map { DuplicateGuard.of($0.environment, force: unguarded, now: now) }
    }

    func next() throws -> RunLaunch? {
        while true {
            if rowConsumed {
                guard try advanceRow() else { return nil }
            }
            let target = spec.targets[requestIndex]
            let duplicateGuard = guards[requestIndex]
            let currentRow = row
            requestIndex += 1
            if requestIndex == spec.targets.count {
                requestIndex = 0
                rowConsumed = true
            }
            ordinal += 1
            if resuming {
                switch try state(of: ordinal) {
                case .final?:
                    alreadyFinal += 1
                    continue
                case .unfinished(let attempt, let firstTried, let mayHaveLeft)?:
                    if mayHaveLeft, firstTried < RequestIDWindow.cutoff(now: now), !resendStale {
                        staleUnknown += 1
                        continue
                    }
                    return RunLaunch(
                        plan: .resending(attempt, token: target.token, fingerprinter: service.store.fingerprinter),
                        resumed: true, duplicateGuard: duplicateGuard, environment: target.environment)
                case nil:
                    break
                }
            }
            let body = try service.render(target, spec: spec, row: currentRow)
            var plan = LaunchPlan.make(
                request: target.request, body: body, environment: target.environment, token: target.token,
                fingerprinter: service.store.fingerprinter, runID: runID, requestID: UUID().uuidString.lowercased(),
                dataRow: currentRow?.number, by: CommandContext.currentOperator())
            plan.attempt.iteration = iteration
            plan.attempt.ordinal = ordinal
            return RunLaunch(
                plan: plan, resumed: false, duplicateGuard: duplicateGuard, environment: target.environment)
        }
    }

    /// Moves to the next data row (or the next iteration); false at the end of the run.
    private func advanceRow() throws -> Bool {
        rowConsumed = false
        guard let data = spec.data else {
            if ordinal > 0 { iteration += 1 }
            return iteration <= spec.iterations
        }
        while true {
            if reader == nil { reader = try data.open().reader }
            if let next = try reader!.next() {
                row = next
                return true
            }
            reader = nil
            iteration += 1
            guard iteration <= spec.iterations else { return false }
        }
    }

    private func state(of ordinal: Int) throws -> LaunchState? {
        if statesRange?.contains(ordinal) != true {
            let range = ordinal...(ordinal + Self.stateChunk - 1)
            states = try service.store.launchStates(run: runID, ordinals: range)
            statesRange = range
        }
        return states[ordinal]
    }
}
