/// A runnable `curl` command for a launch, with the token read from `$SALVO_TOKEN` instead of written out.
public enum CurlCommand {
    /// The command for `launch`, whose token appears as `mask` in the body or the Authorization header: read
    /// from `$SALVO_TOKEN`, or written out when `token` is given. A recorded launch keeps its Request-ID.
    public static func render(
        _ launch: PreparedLaunch, mask: String, keepRequestID: Bool = false, token: String? = nil
    ) -> String {
        let body = launch.body.compact
        let escapedToken = token.map(JSONValue.escaped)
        var parts = ["curl -sS -X POST \(quote(launch.url, mask: mask, token: token))"]
        for header in launch.headers where (keepRequestID || header.name != "Request-ID") && !header.isFraming {
            parts.append("-H \(quote("\(header.name): \(header.value)", mask: mask, token: token))")
        }
        parts.append("--data-binary \(quote(body, mask: mask, token: escapedToken))")
        return parts.joined(separator: " \\\n  ")
    }

    /// `text` in single quotes for a POSIX shell, with `mask` replaced by `token`, or by a double-quoted
    /// `$SALVO_TOKEN` when there is none.
    static func quote(_ text: String, mask: String, token: String? = nil) -> String {
        let single = { (part: Substring) in "'" + part.replacing("'", with: #"'\''"#) + "'" }
        if let token { return single(Substring(text.replacing(mask, with: token))) }
        return text.split(separator: mask, omittingEmptySubsequences: false).map(single)
            .joined(separator: #""$SALVO_TOKEN""#)
    }
}
