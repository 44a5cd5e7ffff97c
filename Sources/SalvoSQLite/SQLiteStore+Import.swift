import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Imports `bundle` in one transaction: all of it or, when anything fails, none of it (see `ImportPlan`).
    /// With `dryRun` everything is checked and reported, then rolled back.
    public func importBundle(_ bundle: ImportBundle, onConflict policy: ConflictPolicy, dryRun: Bool) throws
        -> [ImportEntry]
    {
        try transaction(commit: !dryRun) { db in
            let names = ImportPlan.CollectionNames(
                environments: Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, base_url FROM environments").map {
                        ($0["name"] as String, $0["base_url"] as String)
                    }),
                requests: Set(try String.fetchAll(db, sql: "SELECT name FROM requests")),
                defaultEnvironment: try Self.defaultEnvironmentName(db))
            let plan = try ImportPlan(bundle, onConflict: policy, into: names, storesTokens: true)
            for step in plan.steps {
                switch step {
                case .addEnvironment(let environment): try insertEnvironment(db, environment)
                case .replaceEnvironment(let environment, let keepToken):
                    try updateEnvironment(db, named: environment.name) { current in
                        let token = current.token
                        current = environment
                        if keepToken { current.token = token }
                    }
                case .setDefault(let name): try setDefault(db, to: name)
                case .addRequest(let request): try insertRequest(db, request)
                case .replaceRequest(let request): try updateRequest(db, named: request.name) { $0 = request }
                }
            }
            return plan.entries
        }
    }
}
