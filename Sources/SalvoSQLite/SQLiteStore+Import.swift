import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Imports `bundle` in one transaction: all of it or, when anything fails, none of it. Names already in the
    /// store are handled by `policy`; `fail` refuses the whole file naming the first conflict. With `dryRun`
    /// everything is checked and reported, then rolled back.
    public func importBundle(_ bundle: ImportBundle, onConflict policy: ConflictPolicy, dryRun: Bool) throws
        -> [ImportEntry]
    {
        try transaction(commit: !dryRun) { db in
            var entries: [ImportEntry] = []
            var environmentNames: [String: String] = [:]
            // Only `rename` hands out new names; the other policies need not read every name in the store.
            func names(_ table: String) throws -> UniqueNames {
                UniqueNames(taken: policy == .rename ? try String.fetchAll(db, sql: "SELECT name FROM \(table)") : [])
            }
            var takenEnvironments = try names("environments")
            var takenRequests = try names("requests")
            let storeDefault = try Self.defaultEnvironmentName(db)
            var hostEnvironments: Set<String> = []
            for imported in bundle.environments {
                let entry =
                    imported.madeForHost
                    ? try importHostEnvironment(db, imported, names: &takenEnvironments)
                    : try importEnvironment(db, imported, policy: policy, names: &takenEnvironments)
                environmentNames[entry.fileName] = entry.name
                if imported.madeForHost { hostEnvironments.insert(entry.name) }
                entries.append(entry)
            }
            // The file's default environment, under its name in the store: it becomes the store's default when
            // the store had none; otherwise the file's requests without an environment name it, so that none is
            // sent where the file did not mean it to go.
            let fileDefault = bundle.defaultEnvironment.flatMap { environmentNames[$0] }
            if storeDefault == nil, let fileDefault { try setDefault(db, to: fileDefault) }
            let bindDefault = storeDefault != nil && fileDefault != storeDefault ? fileDefault : nil
            for imported in bundle.requests {
                var request = imported.request
                var note: String?
                if request.environment == nil, let bindDefault {
                    request.environment = bindDefault
                    note =
                        "it goes to '\(bindDefault)', the file's default environment (the store's default is "
                        + "'\(storeDefault ?? "")')"
                } else if let environment = request.environment {
                    if let name = environmentNames[environment] {
                        request.environment = name
                        if hostEnvironments.contains(name) {
                            note = "its URL names its host: it keeps it, through environment '\(name)'"
                        }
                    } else if try Self.environmentID(db, named: environment) == nil {
                        request.environment = nil
                        note = "its default environment '\(environment)' is neither in the store nor in the file"
                    }
                }
                var entry = try importRequest(
                    db, request, source: imported.source, policy: policy, names: &takenRequests)
                entry.note = entry.note ?? note
                entries.append(entry)
            }
            return entries
        }
    }

    /// An environment made for the host a request names: the store's environment that points there if there is
    /// one, else a new one under a free name (never skipped or replaced, which would send the request elsewhere).
    private func importHostEnvironment(
        _ db: Database, _ imported: ImportBundle.ImportedEnvironment, names: inout UniqueNames
    ) throws -> ImportEntry {
        var environment = imported.environment
        let fileName = environment.name
        if let existing = try String.fetchOne(
            db, sql: "SELECT name FROM environments WHERE base_url = ? ORDER BY name LIMIT 1",
            arguments: [environment.baseURL])
        {
            return ImportEntry(
                entity: .environment, name: existing, fileName: fileName, action: .skipped,
                note: "the store's environment '\(existing)' already points at \(environment.baseURL), a host the "
                    + "file's requests name")
        }
        var number = 2
        while try Self.environmentID(db, named: environment.name) != nil {
            environment.name = "\(fileName)-\(number)"
            number += 1
        }
        _ = names.claim(environment.name)
        try insertEnvironment(db, environment)
        return ImportEntry(
            entity: .environment, name: environment.name, fileName: fileName,
            action: environment.name == fileName ? .added : .renamed,
            note: "made for \(environment.baseURL), a host the file's requests name; it reads "
                + "$\(ImportBundle.defaultTokenVariable) until you run `salvo env edit \(environment.name) --token-stdin`"
        )
    }

    private func importEnvironment(
        _ db: Database, _ imported: ImportBundle.ImportedEnvironment, policy: ConflictPolicy,
        names: inout UniqueNames
    ) throws -> ImportEntry {
        var environment = imported.environment
        let fileName = environment.name
        func tokenNote(_ name: String) -> String? {
            imported.tokenGiven
                ? nil
                : "the file holds no token: it reads $\(ImportBundle.defaultTokenVariable) until you run "
                    + "`salvo env edit \(name) --token-stdin`"
        }
        guard try Self.environmentID(db, named: fileName) != nil else {
            _ = names.claim(fileName)
            try insertEnvironment(db, environment)
            return ImportEntry(
                entity: .environment, name: fileName, fileName: fileName, action: .added, note: tokenNote(fileName))
        }
        switch policy {
        case .fail:
            throw Self.conflict(.environment, fileName, source: imported.source)
        case .skip:
            return ImportEntry(
                entity: .environment, name: fileName, fileName: fileName, action: .skipped,
                note: "already in the store")
        case .rename:
            environment.name = names.claim(fileName)
            try insertEnvironment(db, environment)
            return ImportEntry(
                entity: .environment, name: environment.name, fileName: fileName, action: .renamed,
                note: tokenNote(environment.name))
        case .replace:
            try updateEnvironment(db, named: fileName) { current in
                let token = current.token
                current = environment
                if !imported.tokenGiven { current.token = token }
            }
            return ImportEntry(
                entity: .environment, name: fileName, fileName: fileName, action: .replaced,
                note: imported.tokenGiven ? nil : "the file holds no token: the store's token was kept")
        }
    }

    private func importRequest(
        _ db: Database, _ request: LaunchRequest, source: String, policy: ConflictPolicy, names: inout UniqueNames
    ) throws -> ImportEntry {
        var request = request
        let fileName = request.name
        guard try Self.requestID(db, named: fileName) != nil else {
            _ = names.claim(fileName)
            try insertRequest(db, request)
            return ImportEntry(entity: .request, name: fileName, fileName: fileName, action: .added)
        }
        switch policy {
        case .fail:
            throw Self.conflict(.request, fileName, source: source)
        case .skip:
            return ImportEntry(
                entity: .request, name: fileName, fileName: fileName, action: .skipped, note: "already in the store")
        case .rename:
            request.name = names.claim(fileName)
            try insertRequest(db, request)
            return ImportEntry(entity: .request, name: request.name, fileName: fileName, action: .renamed)
        case .replace:
            try updateRequest(db, named: fileName) { $0 = request }
            return ImportEntry(entity: .request, name: fileName, fileName: fileName, action: .replaced)
        }
    }

    private static func conflict(_ entity: AuditEvent.Entity, _ name: String, source: String) -> InputError {
        InputError(
            "\(entity.rawValue) '\(name)' (\(source) in the file) is already in the store; nothing was imported. "
                + "Choose --on-conflict skip, rename or replace")
    }
}
