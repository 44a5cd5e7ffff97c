import Foundation
import SalvoCore
import SalvoRunner
import SalvoStorage

/// How the end of a run reads, and the exit status it calls for.
struct RunSummaryView {
    let result: RunResult

    var lines: [String] {
        let run = result.run
        let counts = result.counts
        let launches = result.launches
        var lines = [
            "run \(run) \(result.stop == .completed ? "finished" : result.goesOn > 0 ? "goes on" : "stopped"): "
                + "\(launches) launch(es)"
                + (result.summary.map { summary in
                    // Two decimals below a second: a short run is not "0.0 s".
                    let seconds = String(format: summary.seconds < 1 ? "%.2f" : "%.1f", summary.seconds)
                    let pace = "\(seconds) s (\(String(format: "%.0f", summary.perSecond))/s)"
                    return summary.launches == launches
                        ? " in \(pace)" : " (\(summary.launches) this time, in \(pace))"
                } ?? ""),
            "ok \(counts[.ok] ?? 0)  rejected \(counts[.rejected] ?? 0)  not sent \(counts[.notSent] ?? 0)  "
                + "unknown \(counts[.unknown] ?? 0)  skipped \(counts[.skipped] ?? 0)",
        ]
        if result.alreadyFinal > 0 {
            lines.append("\(result.alreadyFinal) launch(es) already done earlier were not sent again")
        }
        if result.stale > 0 {
            lines.append(
                "\(result.stale) unknown launch(es) were first tried more than 23 h ago: the platform no longer drops "
                    + "a repeat of their Request-ID, so they were not re-sent. Check them "
                    + "(salvo history --run \(run) --status unknown); `salvo run --resume \(run) --force` sends them")
        }
        if let summary = result.summary, let p50 = summary.p50, let p95 = summary.p95, let max = summary.max {
            lines.append(String(format: "latency p50 %.1f ms  p95 %.1f ms  max %.1f ms", p50, p95, max))
        }
        switch result.stop {
        case .completed: break
        case .interrupted: lines.append("interrupted: launches in flight finished and are recorded")
        case .bailed: lines.append("--bail: stopped at the first launch that did not end ok")
        case .ledgerFailed(let failure):
            let reason =
                failure.storeError.map { error in
                    (failure.context.map { "\($0): " } ?? "") + ErrorHint.message(for: error)
                } ?? failure.message
            lines.append("stopped: the ledger cannot be written (\(reason))")
        }
        if result.goesOn > 0 {
            lines.append(
                "this machine left run \(run); \(result.goesOn) other runner(s) go on with it (`salvo runs show \(run)`)"
            )
        } else if result.unfinished > result.stale || result.stop != .completed {
            lines.append(
                result.resumable
                    ? "finish it: salvo run --resume \(run)"
                    : "unfinished ones: salvo history --run \(run) --status unknown (a replay is not resumed; "
                        + "`salvo replay --run \(run) --unknown --force` sends them again with new Request-IDs)")
        }
        if (counts[.rejected] ?? 0) > 0 { lines.append("rejected ones: salvo history --run \(run) --status rejected") }
        return lines
    }

    var status: ExitStatus {
        guard result.reportsWritten else { return .store }
        if case .ledgerFailed = result.stop { return .store }
        if result.unfinished > 0 || result.stop == .interrupted { return .transport }
        if (result.counts[.rejected] ?? 0) > 0 { return .rejected }
        return result.stop == .bailed ? .rejected : .success
    }

    /// Prints the summary (to stderr when a report goes to standard output, which keeps it to itself) and
    /// returns the exit status.
    func print(_ console: Console, reports: [ReportTarget]) -> ExitStatus {
        let text = lines.joined(separator: "\n")
        if reports.contains(where: \.output.isStandardOutput) { console.note(text) } else { console.out(text) }
        return status
    }
}
