import SalvoRunner
import SalvoStorage

/// What a person can do about an error of the layers below: they state facts, the command line adds the fix.
enum ErrorHint {
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
        case .noSchema(_, let upgrade):
            return upgrade
                ? "run `salvo store init` (with the store's owner role) to upgrade it"
                : "create it with `salvo store init`, or check --store and SALVO_STORE"
        case .locked: return "try again"
        case .diskFull: return "free some space and try again"
        case .corrupt: return "`salvo store check` reports what is wrong"
        case .cannotOpen, .readOnly, .failed: return nil
        }
    }
}

extension ErrorHint {
    /// The runner error's message followed by the fix, where there is one.
    static func message(for error: RunnerError) -> String {
        let fact = error.errorDescription ?? "\(error)"
        switch error {
        case .stoppedBeforeLaunch: return fact
        case .tokenNotSet(let environment, _):
            return fact + "; export it, or store one with `salvo env edit \(environment) --token-stdin`"
        case .noEnvironment: return fact + "; give --env NAME or set a default with `salvo env use NAME`"
        case .notResumable: return fact + " (`salvo replay` launches anew)"
        }
    }
}
