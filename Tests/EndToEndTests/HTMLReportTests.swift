import Foundation
import Testing

/// The HTML report, read by a real browser: headless Chromium (Debian's `chromium`, installed by
/// `scripts/install-deps.sh`) renders it and the test reads the DOM it built and keeps a screenshot in
/// `.build/test-artifacts/`.
@Suite("The HTML run report, rendered by Chromium", .timeLimit(.minutes(5)))
struct HTMLReportTests {
    static let chromium = "/usr/bin/chromium"
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts")

    @Test(
        "a run's report: facts, totals, a recipient, a rejected launch's error text; rebuilt the same from the ledger")
    func rendered() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.chromium),
            "headless Chromium is missing: scripts/install-deps.sh installs Debian's chromium")
        let sandbox = try await TestSandbox.start {
            $0.triggers = [1]
            $0.latencyMilliseconds = 2
        }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sandbox", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "{{email}}")
        try await work.addRequest("reminder", "--trigger", "7", "--email", "{{email}}")
        let rows = (1...30).map { "user\($0)@example.com" } + ["<b>ann</b>+\u{1B}[31mred\u{202E}@example.com"]
        try ("email\n" + rows.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: "\n") + "\n")
            .write(toFile: work.folder + "/people.csv", atomically: true, encoding: .utf8)
        let report = work.folder + "/run.html"
        let run = try await work.salvo(
            "run", "welcome", "reminder", "--data", work.folder + "/people.csv", "--concurrency", "4",
            "--report", "html=" + report)
        #expect(run.status == 1, "launches were rejected: \(run)")
        let page = try String(contentsOfFile: report, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        for external in ["<link", " src=", "url(", "@import"] {
            #expect(!page.contains(external), "self-contained: no \(external)")
        }
        #expect(!page.contains(TestSandbox.token) && !page.contains("\u{1B}"), "no token, no raw escape")

        let rebuilt = work.folder + "/rebuilt.html"
        let again = try await work.salvo("report", "1", "--format", "html", "--out", rebuilt)
        #expect(again.status == 0, "\(again)")
        #expect(
            Self.withoutBuildTime(try String(contentsOfFile: rebuilt, encoding: .utf8)) == Self.withoutBuildTime(page),
            "the report written by the run is the one the ledger rebuilds")

        let dom = try await Self.render(report, in: work, screenshot: "html-report.png")
        #expect(dom.contains("<title>salvo run 1: finished</title>"))
        #expect(dom.contains(#"<div class="tile ok"><b>31</b><span>ok</span></div>"#), "\(dom.prefix(4000))")
        #expect(dom.contains(#"<div class="tile rejected"><b>31</b><span>rejected</span></div>"#))
        #expect(dom.components(separatedBy: "<div class=\"launch ").count - 1 == 62)
        #expect(dom.contains("<span>user17@example.com</span>"))
        #expect(
            dom.contains("&lt;b&gt;ann&lt;/b&gt;+\\e[31mred\\u{202E}@example.com"), "markup and escapes shown as text")
        #expect(dom.contains("Trigger mailing #7 not found or not active"))
        #expect(
            dom.contains(#"<input type="search" id="search""#)
                && !dom.contains("aria-label=\"search by recipient\" hidden"), "the script ran")
        #expect(dom.contains("<svg class=\"chart latency\""))
        let shot = try Data(contentsOf: Self.artifacts.appendingPathComponent("html-report.png"))
        #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]) && shot.count > 20_000, "a screenshot, kept")
    }

    @Test("salvo report writes html to stdout or a file; a bad format is refused with the ones it accepts")
    func reportCommand() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sandbox", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@example.com")
        #expect(try await work.salvo("send", "welcome").status == 0)
        let out = try await work.salvo("report", "1", "--format", "html")
        #expect(out.status == 0 && out.stdout.hasPrefix("<!DOCTYPE html>") && out.stdout.contains("a@example.com"))
        let bad = try await work.salvo("report", "1", "--format", "pdf")
        #expect(bad.status == 2 && bad.stderr.contains("json") && bad.stderr.contains("html"), "\(bad)")
        let badRun = try await work.salvo("run", "welcome", "--report", "htm=x.html")
        #expect(badRun.status == 2 && badRun.stderr.contains("html=FILE"), "\(badRun)")
        let twice = try await work.salvo(
            "run", "welcome", "--report", "html=" + work.folder + "/same.out", "--report",
            "json=" + work.folder + "/./same.out")
        #expect(twice.status == 2 && twice.stderr.contains("two --report options write to"), "\(twice)")
        #expect(await sandbox.records().count == 1, "a refused run sends nothing")
    }

    @Test("a report's seconds and rate count the time the run spent launching: not a killed run's pause")
    func activeTime() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 30 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 40)
        let started = Date()
        let (process, _) = try work.spawn(["run", "promo", "--data", work.folder + "/rows.csv", "--quiet"])
        #expect(await eventually(30) { await sandbox.records().count >= 10 })
        process.signal(SIGKILL)
        _ = await process.exit()
        func seconds() async throws -> Double {
            let report = try await work.salvo("report", "1")
            let summary = (try report.stdout.json() as? [String: Any])?["summary"] as? [String: Any]
            return try #require(summary?["seconds"] as? Double, "\(report)")
        }
        let killed = try await seconds()
        try await Task.sleep(for: .seconds(6))
        #expect(try await seconds() == killed, "a killed run's time does not grow while it lies stopped")
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 0, "\(resume)")
        let wall = Date().timeIntervalSince(started)
        let whole = try await seconds()
        #expect(whole > killed && whole < wall - 5, "the six seconds stopped are not counted: \(whole) of \(wall)")
    }

    @Test("a resume killed midway leaves report files that still hold the launches before it")
    func killedResume() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 30 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 200)
        let report = work.folder + "/live.json"
        func ordinals() throws -> Set<Int> {
            let text = try String(contentsOfFile: report, encoding: .utf8)
            return Set(text.matches(of: /"ordinal":(\d+)/).compactMap { Int($0.1) })
        }
        let (first, _) = try work.spawn(
            ["run", "promo", "--data", work.folder + "/rows.csv", "--quiet", "--report", "json=" + report])
        #expect(await eventually(60) { ((try? ordinals()) ?? []).count >= 10 }, "flushed every second")
        first.signal(SIGKILL)
        _ = await first.exit()
        let before = try ordinals()
        let sent = await sandbox.records().count
        let (second, _) = try work.spawn(["run", "--resume", "1", "--quiet", "--report", "json=" + report])
        // The resume writes the run so far into its report before it sends anything.
        #expect(await eventually(60) { await sandbox.records().count >= sent + 5 })
        second.signal(SIGKILL)
        _ = await second.exit()
        let after = try ordinals()
        #expect(!before.isEmpty && before.isSubset(of: after), "\(before.count) then \(after.count)")
    }

    /// The page without its "report built" line, which says when it was written.
    static func withoutBuildTime(_ page: String) -> String {
        page.split(separator: "\n").filter { !$0.hasPrefix("<dt>report built</dt>") }.joined(separator: "\n")
    }

    /// Renders `file` in headless Chromium: returns the DOM after its script ran and keeps a screenshot.
    static func render(_ file: String, in work: Workspace, screenshot: String) async throws -> String {
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=\(work.folder)/chromium", "--window-size=1280,1500",
        ]
        let shot = try await work.run(
            common + ["--screenshot=\(artifacts.appendingPathComponent(screenshot).path)", "file://\(file)"],
            binary: chromium)
        #expect(shot.status == 0, "\(shot)")
        let dom = try await work.run(common + ["--dump-dom", "file://\(file)"], binary: chromium)
        #expect(dom.status == 0, "\(dom.stderr)")
        return dom.stdout
    }
}
