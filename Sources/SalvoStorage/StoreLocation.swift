import Foundation
import SalvoCore

/// Where the store lives: `--store PATH`, else `SALVO_STORE`, else `$XDG_DATA_HOME/salvo/salvo.db`, else
/// `~/.local/share/salvo/salvo.db`.
/// An empty `--store` or `SALVO_STORE` is refused: silently falling back to the default store would write a
/// team's launches to the wrong ledger.
public enum StoreLocation {
    public static func resolve(explicit: String?, environment: [String: String]) throws(InputError) -> String {
        if let explicit {
            guard !explicit.isEmpty else { throw InputError("--store is empty; give the store's path") }
            return explicit
        }
        if let path = environment["SALVO_STORE"] {
            guard !path.isEmpty else {
                throw InputError(
                    "SALVO_STORE is set but empty; give the store's path, or unset it for the default store")
            }
            return path
        }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return "\(data)/salvo/salvo.db" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return "\(home)/.local/share/salvo/salvo.db"
    }
}
