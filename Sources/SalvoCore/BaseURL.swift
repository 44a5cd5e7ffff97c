import Foundation

/// The base URL of an environment: an absolute http(s) URL with a host, an optional port and path prefix.
public enum BaseURL {
    /// The normalized form of `text` (scheme and host lower-cased, no trailing slash), or an error saying why
    /// it cannot be used. A path prefix such as `https://host/altcraft` is kept.
    public static func normalize(_ text: String) throws(InputError) -> String {
        let hint = "give an absolute URL such as https://example.com"
        guard !text.isEmpty else { throw InputError("base URL is empty; \(hint)") }
        guard !text.contains(where: { $0.isWhitespace }) else {
            throw InputError("base URL '\(text)' contains white space; \(hint)")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw InputError("base URL '\(text)' is not an absolute URL; \(hint)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw InputError("base URL '\(text)' uses '\(scheme)'; only http and https are supported")
        }
        guard let host = components.host, !host.isEmpty else {
            throw InputError("base URL '\(text)' has no host; \(hint)")
        }
        guard components.user == nil, components.password == nil else {
            throw InputError("base URL must not hold a user or password; give the token with --token-stdin")
        }
        guard components.query == nil, components.fragment == nil else {
            throw InputError("base URL '\(text)' has a query or fragment; give only scheme, host, port and path")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.lowercased())\(port)\(path)"
    }
}
