import Foundation
import SalvoRunner
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where a command writes: results to stdout, diagnostics to stderr, colour only on a terminal and never with
/// `NO_COLOR`. In-process tests give it a `CapturedOutput` instead of the process's descriptors.
struct Console: Sendable, Diagnostics {
    static let standard = Console(environment: ProcessInfo.processInfo.environment)

    let colourOut: Bool
    let colourErr: Bool
    /// Whether stderr is a terminal, where progress redraws one line in place.
    let interactive: Bool
    /// The terminal's width when stdout is one (tables fit it); nil when piped.
    let columns: Int?
    private let captured: CapturedOutput?

    init(environment: [String: String]) {
        let allowed = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        interactive = isatty(STDERR_FILENO) == 1
        colourOut = allowed && isatty(STDOUT_FILENO) == 1
        colourErr = allowed && interactive
        columns = isatty(STDOUT_FILENO) == 1 ? Self.width(of: STDOUT_FILENO) : nil
        captured = nil
    }

    /// The width in cells of the terminal on `descriptor`, when it says.
    static func width(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// A console whose output `captured` keeps, without colour unless `colour` (as on a terminal).
    init(capturing captured: CapturedOutput, colour: Bool = false, columns: Int? = nil) {
        colourOut = colour
        colourErr = colour
        interactive = false
        self.columns = columns
        self.captured = captured
    }

    /// Writes a line (or several) of results to stdout.
    func out(_ text: String) {
        write(text + "\n", error: false)
    }

    /// Writes a diagnostic line to stderr.
    func note(_ text: String) {
        write(text + "\n", error: true)
    }

    /// Standard output as a file to stream to (reports, exports).
    @Sendable func outputFile() -> OutputFile {
        guard let captured else { return OutputFile.standardOutput() }
        return OutputFile { bytes in captured.append(String(decoding: bytes, as: UTF8.self), error: false) }
    }

    /// Writes to stderr without ending the line, for a progress line redrawn in place.
    func progress(_ text: String) {
        write(text, error: true)
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

    private func write(_ text: String, error: Bool) {
        if let captured {
            captured.append(text, error: error)
        } else {
            Self.write(text, to: error ? STDERR_FILENO : STDOUT_FILENO)
        }
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

/// What a console wrote, kept for a test to read.
final class CapturedOutput: Sendable {
    private let text = Mutex<(out: String, err: String)>(("", ""))

    var stdout: String { text.withLock { $0.out } }
    var stderr: String { text.withLock { $0.err } }

    fileprivate func append(_ piece: String, error: Bool) {
        text.withLock { text in
            if error { text.err += piece } else { text.out += piece }
        }
    }
}
