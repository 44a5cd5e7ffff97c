import SalvoStorage

/// What a person can do about a store error: the storage layer states facts, the command line adds the fix.
enum StoreErrorHint {
    /// The error's message followed by the fix, where there is one.
    static func message(for error: StoreError) -> String {
        let fact = error.errorDescription ?? "\(error)"
        guard let hint = hint(for: error) else { return fact }
        return fact + "; " + hint
    }

    private static func hint(for error: StoreError) -> String? {
        switch error {
        case .notFound(let kind, _):
            let list =
                switch kind {
                case "environment": "salvo env list"
                case "request": "salvo request list"
                case "run": "salvo runs"
                default: "salvo history"
                }
            return "`\(list)` shows the ones you have"
        case .alreadyExists: return "choose another name or edit it"
        case .inUse: return "give them another --env first, or remove it with --force to clear their default"
        case .runInUse: return "let it finish, or stop it (Ctrl-C), then resume"
        case .newerSchema: return "upgrade salvo to use it"
        case .notADatabase: return "give another path with --store"
        case .missing:
            return "check --store and SALVO_STORE, or create one there with `salvo env add` "
                + "(or `salvo import`, `salvo quickstart`)"
        case .locked: return "try again"
        case .diskFull: return "free some space and try again"
        case .corrupt: return "`salvo store check` reports what is wrong"
        case .cannotOpen, .readOnly, .failed: return nil
        }
    }
}
