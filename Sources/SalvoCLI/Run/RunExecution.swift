import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

#if canImport(Glibc)
    import Glibc
#endif

/// Drives one run through the engine: reports, progress, Ctrl-C, the summary and the exit status. Shared by
/// `salvo run` (fresh or resumed) and `salvo replay --run`.
struct RunExecution {
    let store: Store
    let context: CommandContext
    let pace: RunPaceOptions

    /// Runs the launches `next` hands out as run `run`, then prints the summary. `alreadyFinal` counts the
    /// positions a resume found done.
    func execute(
        run: Int64, total: Int, environment: Environment, settings: RunSettings, starting: String,
        next: () throws -> RunLaunch?, alreadyFinal: () -> Int = { 0 }
    ) async throws -> ExitStatus {
        let console = context.console
        console.note(starting)
        let reportWriters: [any RunReport] = try pace.reports.map { report in
            let (kind, file) = try FlagParsing.keyValue(report, flag: "--report")
            return kind == "json" ? try JSONRunReport(path: file, run: run) : try JUnitRunReport(path: file)
        }
        let progress: RunTally.Progress = pace.quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .live : .periodic)
        let tally = RunTally(total: total, reports: reportWriters, console: console, progress: progress)
        let client = AltcraftClient(baseURL: environment.baseURL, insecure: environment.insecure)
        let engine = RunEngine(client: client, ledger: store, settings: settings, observer: tally)
        let interrupts = InterruptHandler {
            engine.requestStop()
            console.note("\nstopping: the launches in flight finish and are recorded (Ctrl-C again to leave at once)")
        } onSecond: {
            console.note("\nleaving now; the ledger is consistent: `salvo run --resume \(run)` finishes the run")
            _exit(130)
        }
        await tally.startProgress()
        let stop: RunStop
        do {
            stop = try await engine.run(next)
        } catch {
            await tally.stopProgress()
            interrupts.cancel()
            await client.shutdown()
            try store.finishRun(run, state: .interrupted)
            throw error
        }
        await tally.stopProgress()
        interrupts.cancel()
        await client.shutdown()
        let summary = await tally.summary()
        for report in reportWriters { try report.finish(run: run, summary: summary) }
        try store.finishRun(run, state: stop == .completed ? .finished : .interrupted)
        return report(run: run, stop: stop, summary: summary, skippedAsFinal: alreadyFinal())
    }

    private func report(run: Int64, stop: RunStop, summary: RunSummary, skippedAsFinal: Int)
        -> ExitStatus
    {
        let counts = summary.counts
        var lines = [
            "run \(run) \(stop == .completed ? "finished" : "stopped"): \(summary.launches) launch(es) in "
                + "\(String(format: "%.1f", summary.seconds)) s (\(String(format: "%.0f", summary.perSecond))/s)",
            "ok \(counts[.ok] ?? 0)  rejected \(counts[.rejected] ?? 0)  not sent \(counts[.notSent] ?? 0)  "
                + "unknown \(counts[.unknown] ?? 0)  skipped \(counts[.skipped] ?? 0)",
        ]
        if skippedAsFinal > 0 { lines.append("\(skippedAsFinal) launch(es) already done earlier were not sent again") }
        if let p50 = summary.p50, let p95 = summary.p95, let max = summary.max {
            lines.append(String(format: "latency p50 %.1f ms  p95 %.1f ms  max %.1f ms", p50, p95, max))
        }
        switch stop {
        case .completed: break
        case .interrupted: lines.append("interrupted: launches in flight finished and are recorded")
        case .bailed: lines.append("--bail: stopped at the first launch that did not end ok")
        case .ledgerFailed(let reason): lines.append("stopped: the ledger cannot be written (\(reason))")
        }
        let unfinished = (counts[.unknown] ?? 0) + (counts[.notSent] ?? 0)
        if unfinished > 0 || stop != .completed {
            lines.append("finish it: salvo run --resume \(run)")
        }
        if (counts[.rejected] ?? 0) > 0 { lines.append("rejected ones: salvo history --run \(run) --status rejected") }
        context.console.out(lines.joined(separator: "\n"))
        if case .ledgerFailed = stop { return .store }
        if unfinished > 0 || stop == .interrupted { return .transport }
        if (counts[.rejected] ?? 0) > 0 { return .rejected }
        return stop == .bailed ? .rejected : .success
    }
}
