import Foundation

/// The proxy for a URL from the usual variables: `https_proxy`/`HTTPS_PROXY` for https, `http_proxy`/
/// `HTTP_PROXY` for http, none for hosts in `no_proxy`/`NO_PROXY` or on the loopback.
enum ProxySettings {
    static func proxy(for url: String, environment: [String: String]) -> (host: String, port: Int)? {
        guard let target = URLComponents(string: url), let host = target.host?.lowercased() else { return nil }
        if host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]" { return nil }
        let exclusions = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for exclusion in exclusions where !exclusion.isEmpty {
            let suffix = exclusion.hasPrefix(".") ? String(exclusion.dropFirst()) : exclusion
            if exclusion == "*" || host == suffix || host.hasSuffix("." + suffix) { return nil }
        }
        let names = target.scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
        let proxy = URLComponents(string: value.contains("://") ? value : "http://" + value)
        guard let proxyHost = proxy?.host, !proxyHost.isEmpty else { return nil }
        return (proxyHost, proxy?.port ?? 80)
    }
}
