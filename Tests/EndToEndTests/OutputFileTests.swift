import Foundation
import SalvoTestSupport
import Testing

/// `--out` and `--report` write into the path as a shell redirection does, are checked before anything is sent,
/// and reports cover the whole run, even after a kill.
@Suite("Output files: symlinks, FIFOs, standard output, bad paths, reports of the whole run", .timeLimit(.minutes(5)))
struct OutputFileTests {
    @Test("a symlink's target receives --out and --report, and the link stays a link")
    func symlink() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 3)
        let target = work.folder + "/real.json"
        let link = work.folder + "/link.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let export = try await work.salvo("export", "collection", "--out", link)
        #expect(export.status == 0, "\(export)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"promo\""))
        let report = work.folder + "/report-link.xml"
        let reportTarget = work.folder + "/report.xml"
        try FileManager.default.createSymbolicLink(atPath: report, withDestinationPath: reportTarget)
        let run = try await work.salvo(
            "run", "promo", "--data", work.folder + "/rows.csv", "--report", "junit=\(report)", "--quiet")
        #expect(run.status == 0, "\(run)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: report) == reportTarget)
        #expect(try String(contentsOfFile: reportTarget, encoding: .utf8).contains("tests=\"3\""))
    }

    @Test("a FIFO's reader receives the export and the report, each written once")
    func fifo() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 4)
        for (name, arguments) in [
            ("export.fifo", ["export", "collection", "--out"]),
            ("report.fifo", ["run", "promo", "--data", work.folder + "/rows.csv", "--quiet", "--report"]),
        ] {
            let path = work.folder + "/" + name
            #expect(mkfifo(path, 0o600) == 0)
            // Read on a thread of its own: a reader blocked on the FIFO must not hold the cooperative pool.
            let reader = Task {
                try await offThePool { FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data() }
            }
            let last = arguments.last == "--report" ? "json=\(path)" : path
            let outcome = try await work.run(arguments + [last])
            #expect(outcome.status == 0, "\(outcome)")
            let received = try await reader.value
            let document = try #require(try JSONSerialization.jsonObject(with: received) as? [String: Any])
            if name == "report.fifo" {
                #expect((document["launches"] as? [Any])?.count == 4)
            } else {
                #expect(document["item"] != nil)
            }
            var info = stat()
            #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a FIFO")
        }
    }

    @Test("- is standard output for --out, --report and salvo report")
    func standardOutput() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 2)
        let export = try await work.salvo("export", "history", "--out", "-")
        #expect(export.status == 0 && export.stdout.isEmpty)
        let run = try await work.salvo(
            "run", "promo", "--data", work.folder + "/rows.csv", "--quiet", "--report", "junit=-")
        #expect(run.status == 0 && run.stdout.contains("<testsuite name=\"salvo run 1\" tests=\"2\""), "\(run)")
        #expect(run.stdout.hasSuffix("</testsuites>\n") && run.stderr.contains("run 1 finished"), "summary on stderr")
        let two = try await work.salvo("run", "promo", "--report", "junit=-", "--report", "json=-")
        #expect(two.status == 2 && two.stderr.contains("only one --report can go to standard output"), "\(two)")
        let report = try await work.salvo("report", "1")
        let parsed = try #require(try report.stdout.json() as? [String: Any])
        #expect((parsed["launches"] as? [Any])?.count == 2)
        #expect(!FileManager.default.fileExists(atPath: work.folder + "/-"))
    }

    @Test(
        "an unwritable output path is refused before anything is sent, dry run included",
        arguments: [
            (["--report", "junit=FOLDER"], "is a folder"),
            (["--report", "json=FOLDER/missing/r.json"], "does not exist"),
            (["--report", "junit=FOLDER", "--dry-run"], "is a folder"),
        ])
    func unwritable(flags: [String], message: String) async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 2)
        let folder = work.folder + "/adir"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let before = try work.dump()
        let listing = try FileManager.default.contentsOfDirectory(atPath: work.folder).filter { !$0.hasPrefix(".") }
        let run = try await work.run(
            ["run", "promo", "--data", work.folder + "/rows.csv"] + flags.map { $0.replacing("FOLDER", with: folder) })
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(await sandbox.records().isEmpty)
        #expect(try work.dump() == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: work.folder).filter { !$0.hasPrefix(".") } == listing)
        let export = try await work.salvo("export", "history", "--out", folder)
        #expect(export.status == 2 && export.stderr.contains("is a folder"), "\(export)")
    }

    @Test("a resumed run's exit code, summary and reports cover the whole run; salvo report rebuilds them")
    func resumedReports() async throws {
        let sandbox = try await TestSandbox.start {
            $0.triggers = [1]
            $0.resetRate = 0.5
        }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 6)
        try await work.addRequest("ghost", "--trigger", "9", "--phone", "{{phone}}")
        let junit = work.folder + "/run.xml"
        let first = try await work.salvo(
            "run", "promo", "ghost", "--data", work.folder + "/rows.csv", "--quiet", "--report", "junit=\(junit)")
        #expect(first.status == 3, "some unknown: \(first)")
        sandbox.reconfigure { $0.resetRate = 0 }
        let resume = try await work.salvo("run", "--resume", "1", "--quiet", "--report", "junit=\(junit)")
        #expect(resume.status == 1, "the rejected launches of the first part count: \(resume)")
        #expect(resume.stdout.contains("12 launch(es)") && resume.stdout.contains("ok 6  rejected 6"), "\(resume)")
        let text = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(text.contains("tests=\"12\" failures=\"6\""), "\(text)")
        #expect(text.components(separatedBy: "<testcase ").count == 13)
        let rebuilt = work.folder + "/rebuilt.xml"
        #expect(try await work.salvo("report", "1", "--format", "junit", "--out", rebuilt).status == 0)
        let strip: (String) -> String = { $0.replacing(/time="[0-9.]+"/, with: "") }
        #expect(strip(try String(contentsOfFile: rebuilt, encoding: .utf8)) == strip(text))
        let missing = try await work.salvo("report", "9")
        #expect(missing.status == 2 && missing.stderr.contains("run '9' not found"), "\(missing)")
        #expect(await sandbox.deliveries().values.allSatisfy { $0 == 1 })
    }

    @Test(
        "after kill -9 the reports hold what ended up to a second before, with no stray files; a resume completes them")
    func killedReports() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 40 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 200)
        let out = work.folder + "/reports"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let json = out + "/run.json"
        let junit = out + "/run.xml"
        let (process, _) = try work.spawn([
            "run", "promo", "--data", work.folder + "/rows.csv", "--quiet", "--report", "json=\(json)", "--report",
            "junit=\(junit)",
        ])
        #expect(await eventually(60) { await sandbox.records().count >= 30 })
        let answered = await sandbox.records().count
        try await Task.sleep(for: .milliseconds(2_500))
        kill(process.processIdentifier, SIGKILL)
        await waitForExit(process)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["run.json", "run.xml"])
        let partial = try String(contentsOfFile: json, encoding: .utf8)
        let records = partial.components(separatedBy: "\"request_id\"").count - 1
        #expect(records >= answered - 1, "\(records) records, \(answered) answered 2.5 s before the kill")
        #expect(partial.hasSuffix("}"), "cut at a record boundary")
        let cases = try String(contentsOfFile: junit, encoding: .utf8).components(separatedBy: "<testcase ").count - 1
        #expect(cases >= answered - 1)
        let killed = try #require(try await work.salvo("runs", "show", "1", "--json").stdout.json() as? [String: Any])
        #expect(killed["state"] as? String == "interrupted", "its process is gone: \(killed)")
        let interim = try await work.salvo("report", "1", "--format", "junit")
        #expect(interim.stdout.contains("launch(es) not attempted\""), "a stopped run fails its report: \(interim)")
        #expect(interim.stdout.contains("type=\"not-attempted\""))
        // The resume rewrites the run's own report files: they were recorded with it.
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 0, "\(resume)")
        let whole = try #require(try String(contentsOfFile: json, encoding: .utf8).json() as? [String: Any])
        #expect((whole["launches"] as? [Any])?.count == 200)
        #expect((whole["summary"] as? [String: Any])?["ok"] as? Int == 200)
        #expect((whole["summary"] as? [String: Any])?["not_attempted"] as? Int == 0)
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("tests=\"200\" failures=\"0\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["run.json", "run.xml"])
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 200 && delivered.values.allSatisfy { $0 == 1 })
    }
}
