import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a command writes: results to stdout, diagnostics to stderr, colour only on a terminal and never with
/// `NO_COLOR`.
struct Console: Sendable {
    static let standard = Console(environment: ProcessInfo.processInfo.environment)

    let colourOut: Bool
    let colourErr: Bool

    init(environment: [String: String]) {
        let allowed = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        colourOut = allowed && isatty(STDOUT_FILENO) == 1
        colourErr = allowed && isatty(STDERR_FILENO) == 1
    }

    /// Writes a line (or several) of results to stdout.
    func out(_ text: String) {
        Self.write(text + "\n", to: STDOUT_FILENO)
    }

    /// Writes a diagnostic line to stderr.
    func note(_ text: String, newline: Bool = true) {
        Self.write(newline ? text + "\n" : text, to: STDERR_FILENO)
    }

    /// Writes `warning: ...` to stderr.
    func warn(_ text: String) {
        note(paint("warning:", .yellow, on: colourErr) + " " + text)
    }

    /// Writes `error: ...` to stderr.
    func error(_ text: String) {
        note(paint("error:", .red, on: colourErr) + " " + text)
    }

    /// Bold text on stdout when it is a terminal, for table headers.
    func bold(_ text: String) -> String { paint(text, .bold, on: colourOut) }

    enum Style: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case bold = "1"
    }

    func paint(_ text: String, _ style: Style, on: Bool) -> String {
        on ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
