import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// What a run launches and how: resolved once, saved with the run so `--resume` walks the same positions.
struct RunPlanSpec {
    var requests: [LaunchRequest]
    var environment: Environment
    var token: String
    /// `--var` values (data rows override them; they override the environment's).
    var variables: [String: String]
    var data: DataFile?
    var iterations: Int
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

    /// The run's environment: `--env`, else the one default the selected requests share, else the store's.
    func environment(for requests: [LaunchRequest], override: String?) throws -> Environment {
        if let override { return try store.environment(named: override) }
        let defaults = Set(requests.compactMap(\.environment))
        guard defaults.count <= 1 else {
            throw InputError(
                "the selected requests default to different environments (\(defaults.sorted().joined(separator: ", "))); "
                    + "give --env NAME")
        }
        guard let name = try defaults.first ?? store.defaultEnvironmentName() else {
            throw InputError("no environment: give --env NAME or set a default with `salvo env use NAME`")
        }
        return try store.environment(named: name)
    }

    /// Reads the whole data file once and renders every launch, so bad input stops the run before anything is
    /// sent. Returns the number of rows (1 without data), the file's SHA-256, and the first rendered launches.
    func validate(_ spec: RunPlanSpec, samples: Int) throws -> (rows: Int, sha256: String?, samples: [PreparedLaunch]) {
        let mask = LaunchBuilder.tokenMask(spec.environment.token, fingerprinter: store.fingerprinter)
        var shown: [PreparedLaunch] = []
        func check(_ row: DataRow?) throws {
            for request in spec.requests {
                let body = try render(request, spec: spec, row: row)
                if shown.count < samples {
                    shown.append(
                        LaunchBuilder.prepare(
                            body: body, method: request.method, environment: spec.environment, token: mask,
                            requestID: "(a new one when sent)"))
                }
            }
        }
        guard let data = spec.data else {
            try check(nil)
            return (1, nil, shown)
        }
        let (reader, hash) = try data.open()
        var rows = reader
        if let columns = rows.columns { try checkColumns(columns, spec: spec, file: data.path) }
        var count = 0
        do {
            while let row = try rows.next() {
                try check(row)
                count += 1
            }
        } catch let error as DataFileError {
            throw InputError("--data \(data.path): \(error)")
        }
        guard count > 0 else { throw InputError("--data \(data.path) has no rows") }
        return (count, hash(), shown)
    }

    /// The body of `request` for `row`, with a message naming the row when a value is missing or wrong.
    func render(_ request: LaunchRequest, spec: RunPlanSpec, row: DataRow?) throws -> JSONValue {
        var values = spec.environment.variables.merging(spec.variables) { _, new in new }
        if let row { values.merge(row.fields) { _, new in new } }
        do {
            return try LaunchBuilder.render(request, variables: values).body
        } catch {
            guard let row, let data = spec.data else { throw error }
            throw InputError("--data \(data.path) line \(row.line) (row \(row.number)): \(error.message)")
        }
    }

    private func checkColumns(_ columns: [String], spec: RunPlanSpec, file: String) throws {
        let provided = Set(columns).union(spec.variables.keys).union(spec.environment.variables.keys)
        let needed = spec.requests.flatMap(\.variables)
        let missing = needed.filter { !provided.contains($0) }.reduce(into: [String]()) { list, name in
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

    static let stateChunk = 4_096

    init(spec: RunPlanSpec, service: RunService, runID: Int64, resuming: Bool) {
        self.spec = spec
        self.service = service
        self.runID = runID
        self.resuming = resuming
    }

    func next() throws -> RunLaunch? {
        while true {
            if rowConsumed {
                guard try advanceRow() else { return nil }
            }
            let request = spec.requests[requestIndex]
            let currentRow = row
            requestIndex += 1
            if requestIndex == spec.requests.count {
                requestIndex = 0
                rowConsumed = true
            }
            ordinal += 1
            if resuming {
                switch try state(of: ordinal) {
                case .final?:
                    alreadyFinal += 1
                    continue
                case .unfinished(let attempt)?:
                    return RunLaunch(
                        plan: .resending(attempt, token: spec.token, fingerprinter: service.store.fingerprinter),
                        resumed: true)
                case nil:
                    break
                }
            }
            let body = try service.render(request, spec: spec, row: currentRow)
            var plan = LaunchPlan.make(
                request: request, body: body, environment: spec.environment, token: spec.token,
                fingerprinter: service.store.fingerprinter, runID: runID, requestID: UUID().uuidString.lowercased(),
                dataRow: currentRow?.number, by: CommandContext.currentOperator())
            plan.attempt.iteration = iteration
            plan.attempt.ordinal = ordinal
            return RunLaunch(plan: plan, resumed: false)
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
