/// A runnable `curl` command for a launch, with the token read from `$SALVO_TOKEN` instead of written out.
public enum CurlCommand {
    /// The command for `launch`, whose token appears as `mask` in the body or the Authorization header.
    public static func render(_ launch: PreparedLaunch, mask: String) -> String {
        var parts = ["curl -sS -X POST \(quote(launch.url, mask: mask))"]
        for header in launch.headers where header.name != "Request-ID" {
            parts.append("-H \(quote("\(header.name): \(header.value)", mask: mask))")
        }
        parts.append("--data-binary \(quote(launch.body.compact, mask: mask))")
        return parts.joined(separator: " \\\n  ")
    }

    /// `text` in single quotes for a POSIX shell, with `mask` replaced by a double-quoted `$SALVO_TOKEN`.
    static func quote(_ text: String, mask: String) -> String {
        text.split(separator: mask, omittingEmptySubsequences: false)
            .map { "'" + $0.replacing("'", with: #"'\''"#) + "'" }
            .joined(separator: #""$SALVO_TOKEN""#)
    }
}
