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

    /// Runs the launches `next` hands out as run `run`, then writes `reports` (checked before anything was
    /// sent) and prints the summary. `alreadyFinal` counts the positions a resume found done, `stale` the unknown
    /// ones it left for a decision; a resume's summary, reports and exit status cover the whole run.
    func execute(
        run: Int64, total: Int, settings: RunSettings, reports: [ReportTarget], starting: String,
        next: () throws -> RunLaunch?, resumed: Bool = false, resumable: Bool = true,
        alreadyFinal: () -> Int = { 0 }, stale: () -> Int = { 0 }
    ) async throws -> ExitStatus {
        let console = context.console
        console.note(starting)
        let live = try reports.filter(\.output.isRegularFile).map { try LiveReport($0, run: run) }
        let progress: RunTally.Progress = pace.quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .live : .periodic)
        let tally = RunTally(total: total, reports: live, console: console, progress: progress)
        // Reports on disk hold every launch that ended up to about a second ago, whatever happens next.
        let flusher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await tally.flushReports()
            }
        }
        let clients = AltcraftClients()
        let engine = RunEngine(clients: clients, ledger: store, settings: settings, observer: tally)
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
            flusher.cancel()
            await tally.stopProgress()
            interrupts.cancel()
            await clients.shutdown()
            try store.finishRun(run, state: .interrupted)
            for report in live { try? report.close() }
            _ = write(reports, run: run)
            throw error
        }
        flusher.cancel()
        await tally.stopProgress()
        interrupts.cancel()
        await clients.shutdown()
        let summary = await tally.summary()
        let complete = stop == .completed && stale() == 0
        try store.finishRun(run, state: complete ? .finished : .interrupted)
        for report in live { try? report.close() }
        let written = write(reports, run: run)
        // A resume answers for the whole run: every position's latest outcome, from the ledger.
        let counts = resumed ? try store.run(id: run).counts : summary.counts
        let status = report(
            run: run, stop: stop, summary: summary, counts: counts, skippedAsFinal: alreadyFinal(), stale: stale(),
            resumable: resumable)
        return written ? status : .store
    }

    /// Prints what a resume that found nothing left to send says about the run, writes its reports, and returns
    /// its exit status.
    func reportFinished(run: Int64, reports: [ReportTarget]) throws -> ExitStatus {
        let counts = try store.run(id: run).counts
        context.console.note("run \(run) has nothing left to send: every launch has a final outcome")
        let written = write(reports, run: run)
        let status = report(
            run: run, stop: .completed, summary: nil, counts: counts, skippedAsFinal: 0, stale: 0, resumable: true)
        return written ? status : .store
    }

    /// Rewrites every report whole from the ledger; says on stderr which could not be written (launches have
    /// gone out: the run's record stands, and `salvo report` rebuilds the file later). False if one failed.
    private func write(_ reports: [ReportTarget], run: Int64) -> Bool {
        var written = true
        for target in reports {
            do {
                try RunReportBuilder(store: store).write(target, run: run)
            } catch {
                written = false
                context.console.error(
                    "the \(target.kind.rawValue) report could not be written to \(target.output.path): "
                        + "\((error as? InputError)?.message ?? error.localizedDescription); "
                        + "`salvo report \(run) --format \(target.kind.rawValue) --out FILE` writes it from the ledger")
            }
        }
        return written
    }

    private func report(
        run: Int64, stop: RunStop, summary: RunSummary?, counts: [LaunchResult: Int], skippedAsFinal: Int,
        stale: Int, resumable: Bool
    ) -> ExitStatus {
        let launches = counts.values.reduce(0, +)
        var lines = [
            "run \(run) \(stop == .completed ? "finished" : "stopped"): \(launches) launch(es)"
                + (summary.map { summary in
                    let pace =
                        "\(String(format: "%.1f", summary.seconds)) s (\(String(format: "%.0f", summary.perSecond))/s)"
                    return summary.launches == launches
                        ? " in \(pace)" : " (\(summary.launches) this time, in \(pace))"
                } ?? ""),
            "ok \(counts[.ok] ?? 0)  rejected \(counts[.rejected] ?? 0)  not sent \(counts[.notSent] ?? 0)  "
                + "unknown \(counts[.unknown] ?? 0)  skipped \(counts[.skipped] ?? 0)",
        ]
        if skippedAsFinal > 0 { lines.append("\(skippedAsFinal) launch(es) already done earlier were not sent again") }
        if stale > 0 {
            lines.append(
                "\(stale) unknown launch(es) were first tried more than 23 h ago: the platform no longer drops a "
                    + "repeat of their Request-ID, so they were not re-sent. Check them "
                    + "(salvo history --run \(run) --status unknown); `salvo run --resume \(run) --force` sends them")
        }
        if let summary, let p50 = summary.p50, let p95 = summary.p95, let max = summary.max {
            lines.append(String(format: "latency p50 %.1f ms  p95 %.1f ms  max %.1f ms", p50, p95, max))
        }
        switch stop {
        case .completed: break
        case .interrupted: lines.append("interrupted: launches in flight finished and are recorded")
        case .bailed: lines.append("--bail: stopped at the first launch that did not end ok")
        case .ledgerFailed(let reason): lines.append("stopped: the ledger cannot be written (\(reason))")
        }
        let unfinished = (counts[.unknown] ?? 0) + (counts[.notSent] ?? 0)
        if unfinished > stale || stop != .completed {
            lines.append(
                resumable
                    ? "finish it: salvo run --resume \(run)"
                    : "unfinished ones: salvo history --run \(run) --status unknown (a replay is not resumed; "
                        + "`salvo replay --run \(run) --unknown --force` sends them again with new Request-IDs)")
        }
        if (counts[.rejected] ?? 0) > 0 { lines.append("rejected ones: salvo history --run \(run) --status rejected") }
        // A report on standard output keeps it to itself.
        let summaryToStderr = pace.reports.contains { (try? ReportTarget.parse($0))?.output.isStandardOutput == true }
        let text = lines.joined(separator: "\n")
        if summaryToStderr { context.console.note(text) } else { context.console.out(text) }
        if case .ledgerFailed = stop { return .store }
        if unfinished > 0 || stop == .interrupted { return .transport }
        if (counts[.rejected] ?? 0) > 0 { return .rejected }
        return stop == .bailed ? .rejected : .success
    }
}
