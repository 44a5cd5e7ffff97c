import Foundation
import SalvoCore
import SalvoRunner
import Synchronization

/// The progress of a run on stderr: redrawn in place on a terminal, a plain line every few seconds otherwise.
final class ProgressLine: ProgressDisplay {
    private let console: Console
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    init(console: Console) {
        self.console = console
    }

    func start(_ tally: RunTally) async {
        let live = console.interactive
        let interval: Duration = live ? .milliseconds(200) : .seconds(5)
        let console = console
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                let line = Self.line(await tally.progress)
                if live {
                    // A line longer than the terminal wraps, and a redraw clears only its last row: cut it.
                    console.progress("\r\u{1B}[2K" + Self.cut(line, to: Console.width(of: STDERR_FILENO)))
                } else {
                    console.note("progress: " + line)
                }
            }
        }
        ticker.withLock { $0 = task }
    }

    func stop() async {
        // Waits for the ticker to end, so no line is drawn after this clears it.
        let task = ticker.withLock { $0 }
        task?.cancel()
        await task?.value
        if console.interactive { console.progress("\r\u{1B}[2K") }
    }

    static func line(_ progress: RunProgress) -> String {
        let counts = progress.counts
        var line = "\(progress.launches)/\(progress.total)  \(String(format: "%.0f", progress.perSecond))/s"
        line += "  ok \(counts[.ok] ?? 0)  rejected \(counts[.rejected] ?? 0)  not sent \(counts[.notSent] ?? 0)"
        line += "  unknown \(counts[.unknown] ?? 0)  skipped \(counts[.skipped] ?? 0)"
        if let left = progress.secondsLeft { line += "  ETA \(duration(left))" }
        return line
    }

    /// `line` cut to one cell less than a terminal `width` wide (the cursor stays on the line).
    static func cut(_ line: String, to width: Int?) -> String {
        guard let width, width > 1, line.count >= width else { return line }
        return String(line.prefix(width - 2)) + "…"
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(whole % 60)s" : "\(whole)s"
    }
}
