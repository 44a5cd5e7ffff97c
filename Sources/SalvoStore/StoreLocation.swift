import Foundation

/// Where the store lives: `--store PATH`, else `SALVO_STORE`, else `$XDG_DATA_HOME/salvo/salvo.db`, else
/// `~/.local/share/salvo/salvo.db`.
public enum StoreLocation {
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment["SALVO_STORE"], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return "\(data)/salvo/salvo.db" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return "\(home)/.local/share/salvo/salvo.db"
    }
}
