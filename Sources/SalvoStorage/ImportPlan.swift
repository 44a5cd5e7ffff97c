import SalvoCore

/// What an import does to a store, decided once for every backend from the file and the names the store holds:
/// the report's entries and the steps that make them true. A backend reads `CollectionNames` and applies `steps`
/// in order inside the transaction it read them in, so the import is all or nothing.
public struct ImportPlan: Sendable {
    /// The names a store holds, as the plan needs them.
    public struct CollectionNames: Sendable {
        /// Every environment's name, with its base URL.
        public var environments: [String: String]
        public var requests: Set<String>
        public var defaultEnvironment: String?

        public init(environments: [String: String], requests: Set<String>, defaultEnvironment: String?) {
            self.environments = environments
            self.requests = requests
            self.defaultEnvironment = defaultEnvironment
        }
    }

    /// One change, made with the backend's own insert and update (each with its audit event).
    public enum Step: Sendable {
        /// Added; the first environment of a store without a default becomes it.
        case addEnvironment(Environment)
        /// The store's environment of that name becomes this one; `keepToken`: its own token stays.
        case replaceEnvironment(Environment, keepToken: Bool)
        case setDefault(String)
        case addRequest(LaunchRequest)
        case replaceRequest(LaunchRequest)
    }

    public private(set) var entries: [ImportEntry] = []
    public private(set) var steps: [Step] = []
    private var names: CollectionNames
    private var takenEnvironments: UniqueNames
    private var takenRequests: UniqueNames
    private let storesTokens: Bool

    /// Plans `bundle` into a store holding `names`; `fail` refuses the whole file naming the first conflict.
    /// `storesTokens` false (a shared store): a token the file holds is not kept; its environment reads
    /// `SALVO_TOKEN` instead, and the report says so.
    public init(
        _ bundle: ImportBundle, onConflict policy: ConflictPolicy, into names: CollectionNames, storesTokens: Bool
    ) throws {
        self.names = names
        self.storesTokens = storesTokens
        takenEnvironments = UniqueNames(taken: names.environments.keys)
        takenRequests = UniqueNames(taken: names.requests)
        var environmentNames: [String: String] = [:]
        var hostEnvironments: Set<String> = []
        for imported in bundle.environments {
            let entry =
                imported.madeForHost
                ? planHostEnvironment(imported) : try planEnvironment(imported, policy: policy)
            environmentNames[entry.fileName] = entry.name
            if imported.madeForHost { hostEnvironments.insert(entry.name) }
            entries.append(entry)
        }
        // The file's default environment, under its name in the store: it becomes the store's default when the
        // store had none; otherwise the file's requests without an environment name it, so that none is sent
        // where the file did not mean it to go.
        let storeDefault = names.defaultEnvironment
        let fileDefault = bundle.defaultEnvironment.flatMap { environmentNames[$0] }
        if storeDefault == nil, let fileDefault { steps.append(.setDefault(fileDefault)) }
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
                } else if names.environments[environment] == nil {
                    request.environment = nil
                    note = "its default environment '\(environment)' is neither in the store nor in the file"
                }
            }
            var entry = try planRequest(request, source: imported.source, policy: policy)
            entry.note = entry.note ?? note
            entries.append(entry)
        }
    }

    /// An environment made for the host a request names: the store's environment that points there if there is
    /// one, else a new one under a free name (never skipped or replaced, which would send the request elsewhere).
    private mutating func planHostEnvironment(_ imported: ImportBundle.ImportedEnvironment) -> ImportEntry {
        var environment = imported.environment
        let fileName = environment.name
        if let existing = names.environments.filter({ $0.value == environment.baseURL }).keys.min() {
            return ImportEntry(
                entity: .environment, name: existing, fileName: fileName, action: .skipped,
                note: "the store's environment '\(existing)' already points at \(environment.baseURL), a host the "
                    + "file's requests name")
        }
        var number = 2
        while names.environments[environment.name] != nil {
            environment.name = "\(fileName)-\(number)"
            number += 1
        }
        add(environment)
        return ImportEntry(
            entity: .environment, name: environment.name, fileName: fileName,
            action: environment.name == fileName ? .added : .renamed,
            note: "made for \(environment.baseURL), a host the file's requests name; it reads "
                + "$\(ImportBundle.defaultTokenVariable) until you run `salvo env edit \(environment.name) "
                + (storesTokens ? "--token-stdin`" : "--token-env VAR`"))
    }

    private mutating func planEnvironment(_ imported: ImportBundle.ImportedEnvironment, policy: ConflictPolicy)
        throws -> ImportEntry
    {
        var environment = imported.environment
        var tokenGiven = imported.tokenGiven
        var dropped: String?
        if !storesTokens, case .stored = environment.token {
            environment.token = .variable(ImportBundle.defaultTokenVariable)
            tokenGiven = false
            dropped =
                "the file's token is not kept (a shared store holds none): it reads "
                + "$\(ImportBundle.defaultTokenVariable) on each machine"
        }
        let fileName = environment.name
        func tokenNote(_ name: String) -> String? {
            dropped
                ?? (tokenGiven
                    ? nil
                    : "the file holds no token: it reads $\(ImportBundle.defaultTokenVariable) until you run "
                        + "`salvo env edit \(name) \(storesTokens ? "--token-stdin" : "--token-env VAR")`")
        }
        guard names.environments[fileName] != nil else {
            add(environment)
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
            environment.name = takenEnvironments.claim(fileName)
            add(environment)
            return ImportEntry(
                entity: .environment, name: environment.name, fileName: fileName, action: .renamed,
                note: tokenNote(environment.name))
        case .replace:
            steps.append(.replaceEnvironment(environment, keepToken: !tokenGiven))
            names.environments[fileName] = environment.baseURL
            return ImportEntry(
                entity: .environment, name: fileName, fileName: fileName, action: .replaced,
                note: dropped != nil
                    ? "the file's token is not kept (a shared store holds none): the store's token variable was kept"
                    : tokenGiven ? nil : "the file holds no token: the store's token was kept")
        }
    }

    private mutating func add(_ environment: Environment) {
        _ = takenEnvironments.claim(environment.name)
        names.environments[environment.name] = environment.baseURL
        steps.append(.addEnvironment(environment))
    }

    private mutating func planRequest(_ request: LaunchRequest, source: String, policy: ConflictPolicy) throws
        -> ImportEntry
    {
        var request = request
        let fileName = request.name
        guard names.requests.contains(fileName) else {
            _ = takenRequests.claim(fileName)
            names.requests.insert(fileName)
            steps.append(.addRequest(request))
            return ImportEntry(entity: .request, name: fileName, fileName: fileName, action: .added)
        }
        switch policy {
        case .fail:
            throw Self.conflict(.request, fileName, source: source)
        case .skip:
            return ImportEntry(
                entity: .request, name: fileName, fileName: fileName, action: .skipped, note: "already in the store")
        case .rename:
            request.name = takenRequests.claim(fileName)
            names.requests.insert(request.name)
            steps.append(.addRequest(request))
            return ImportEntry(entity: .request, name: request.name, fileName: fileName, action: .renamed)
        case .replace:
            steps.append(.replaceRequest(request))
            return ImportEntry(entity: .request, name: fileName, fileName: fileName, action: .replaced)
        }
    }

    private static func conflict(_ entity: AuditEvent.Entity, _ name: String, source: String) -> InputError {
        InputError(
            "\(entity.rawValue) '\(name)' (\(source) in the file) is already in the store; nothing was imported. "
                + "Choose --on-conflict skip, rename or replace")
    }
}
