import Foundation
import SalvoCore
import SalvoStorage

/// What a run launches and how: resolved once, saved with the run so `--resume` walks the same positions.
struct RunPlanSpec: Sendable {
    /// A selected request with the environment its launches go to and that environment's token.
    struct Target: Sendable {
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

/// Selects and checks a run's launches: what `salvo run` plans before anything is sent.
struct RunPlanner {
    let context: RunnerContext

    var store: any Storage { context.store }

    /// The requests a run takes, in run order: named ones as given (those the selection takes), else the
    /// selection's from the collection.
    func requests(names: [String], selection: RequestSelection) async throws -> [LaunchRequest] {
        try selection.validate()
        var selected: [LaunchRequest] = []
        if names.isEmpty {
            selected = selection.select(from: try await store.requests(matching: selection))
            // With several folders, one that gives no request is a mistake (a misspelling), as a single one is.
            for folder in selection.folders
            where !selected.isEmpty
                && !selected.contains(where: {
                    RequestSelection(folders: [folder]).matches($0)
                })
            {
                throw InputError(
                    "--folder \(folder): no request to run is in this folder; `salvo request list` shows the folders")
            }
        } else {
            for name in names { selected.append(try await store.request(named: name)) }
            selected = selected.filter(selection.matches)
        }
        guard !selected.isEmpty else {
            throw InputError("nothing to run: no request matches the names, --folder and --tag given")
        }
        return selected
    }

    /// Each request with its environment, resolved as `send` resolves it: `--env`, else the request's own,
    /// else the store's default; and each environment's token.
    func targets(for requests: [LaunchRequest], override: String?) async throws -> [RunPlanSpec.Target] {
        var environments: [String: (Environment, String)] = [:]
        var targets: [RunPlanSpec.Target] = []
        for request in requests {
            let name = try await context.environmentName(for: request, override: override)
            if environments[name] == nil {
                let environment = try await store.environment(named: name)
                environments[name] = (environment, try context.token(of: environment))
            }
            let (environment, token) = environments[name]!
            targets.append(RunPlanSpec.Target(request: request, environment: environment, token: token))
        }
        return targets
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

        /// Positions of the run: every row, for every target, every iteration.
        func total(_ spec: RunPlanSpec) -> Int { rows * spec.targets.count * spec.iterations }
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
