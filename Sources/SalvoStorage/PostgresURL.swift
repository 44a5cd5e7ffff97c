import SalvoCore

/// A PostgreSQL store's address: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=...&host=/socket/dir]`
/// (also `postgresql://`). Parsed here so that a URL is never taken for a path, and shown everywhere without its
/// password.
public struct PostgresURL: Equatable, Sendable {
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS (a socket, a loopback or a trusted network).
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS, without checking the certificate.
        case require
        /// TLS, the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// A folder holding the server's Unix socket (`?host=/run/postgresql`): used instead of TCP.
    public var socketFolder: String?

    /// Whether `location` names a PostgreSQL store rather than an SQLite file.
    public static func isURL(_ location: String) -> Bool {
        let lowered = location.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// The URL `text` parsed; `environment`'s `PGPASSWORD` gives the password when the URL has none.
    public init(_ text: String, environment: [String: String] = [:]) throws(InputError) {
        func fail(_ why: String) -> InputError {
            InputError(
                "store URL \(Self.redacted(text)): \(why); the form is "
                    + "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full]")
        }
        guard let scheme = text.firstRange(of: "://"), Self.isURL(text) else { throw fail("not a postgres:// URL") }
        var rest = Substring(text[scheme.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw fail("it names no database") }
        let authority = rest[..<slash]
        guard let database = Self.decoded(rest[rest.index(after: slash)...]), !database.isEmpty,
            !database.contains("/")
        else { throw fail("it names no database") }
        guard let at = authority.lastIndex(of: "@") else { throw fail("it names no user (USER@HOST)") }
        let credentials = authority[..<at]
        var hostPort = authority[authority.index(after: at)...]
        let userText = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let user = Self.decoded(userText[0]), !user.isEmpty else { throw fail("it names no user (USER@HOST)") }
        self.user = user
        password = userText.count > 1 ? Self.decoded(userText[1]) : nil
        if password == nil || password == "" { password = environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 } }
        port = 5432
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw fail("its IPv6 host has no closing ]") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if !hostPort.isEmpty {
                guard hostPort.hasPrefix(":"), let number = Int(hostPort.dropFirst()), (1...65535).contains(number)
                else { throw fail("its port is not a number from 1 to 65535") }
                port = number
            }
        } else {
            let parts = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = String(parts[0])
            if parts.count > 1 {
                guard let number = Int(parts[1]), (1...65535).contains(number) else {
                    throw fail("its port is not a number from 1 to 65535")
                }
                port = number
            }
        }
        self.database = database
        tls = .prefer
        socketFolder = nil
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(keyValue[0])
            let value = keyValue.count > 1 ? Self.decoded(keyValue[1]) ?? "" : ""
            switch key {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw fail("sslmode '\(value)' is not one of disable, prefer, require, verify-full")
                }
                tls = mode
            case "host":
                guard value.hasPrefix("/") else { throw fail("host= takes the folder of the server's socket") }
                socketFolder = value
            default:
                throw fail("it has an option salvo does not know ('\(key)'; it knows sslmode and host)")
            }
        }
        guard !host.isEmpty || socketFolder != nil else { throw fail("it names no host") }
    }

    /// The URL without its password, as salvo shows it.
    public var display: String {
        var text = "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host)"
        if port != 5432 { text += ":\(port)" }
        text += "/\(database)"
        var options: [String] = []
        if tls != .prefer { options.append("sslmode=\(tls.rawValue)") }
        if let socketFolder { options.append("host=\(socketFolder)") }
        return options.isEmpty ? text : text + "?" + options.joined(separator: "&")
    }

    /// `text` with any password in it replaced by `***`, for messages about a URL that did not parse.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"),
            let colon = rest[..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<rest.index(after: colon)]) + "***" + String(text[at...])
    }

    private static func decoded(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high < utf8.endIndex, utf8.index(after: high) < utf8.endIndex,
                    let value = UInt8(String(decoding: utf8[high...utf8.index(after: high)], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
                index = utf8.index(high, offsetBy: 2)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
