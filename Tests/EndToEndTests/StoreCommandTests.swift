import Foundation
import Testing

@Suite("salvo store and the store file: info, check, location, damage, newer schema", .timeLimit(.minutes(5)))
struct StoreCommandTests {
    @Test("info reports path, schema, counts; check passes a sound store")
    func infoAndCheck() async throws {
        let work = try Workspace()
        try await work.seed()
        let info = try await work.salvo("store", "info", "--json")
        #expect(info.status == 0)
        let json = try #require(try info.stdout.json() as? [String: Any])
        #expect(json["path"] as? String == work.store)
        #expect(json["schema_version"] as? Int == json["known_schema_version"] as? Int)
        #expect((json["schema_version"] as? Int ?? 0) >= 2)
        #expect(json["environments"] as? Int == 1)
        #expect(json["requests"] as? Int == 1)
        #expect(json["audit_events"] as? Int == 3)
        #expect(json["default_environment"] as? String == "prod")
        let check = try await work.salvo("store", "check")
        #expect(check.status == 0)
        #expect(check.stdout.hasPrefix("SQLite 3.") && check.stdout.contains("\nok: "), "\(check)")
    }

    @Test("only commands that add may create a store: a mistyped or empty store path is an error, nothing created")
    func missingStore() async throws {
        let work = try Workspace()
        let typo = work.folder + "/stroe.db"
        let verify = try await work.salvo("audit", "verify", "--store", typo)
        #expect(verify.status == 4 && verify.stderr.contains("no store at \(typo)"), "\(verify)")
        #expect(!FileManager.default.fileExists(atPath: typo))
        let missing = work.folder + "/missing/dir/s.db"
        for arguments in [["env", "list"], ["history"], ["runs"], ["run", "--resume", "1"], ["send", "x"]] {
            let outcome = try await work.run(arguments, env: ["SALVO_STORE": missing])
            #expect(outcome.status == 4 && outcome.stderr.contains("salvo env add"), "\(arguments): \(outcome)")
        }
        #expect(!FileManager.default.fileExists(atPath: work.folder + "/missing"), "no folders made")
        let empty = try await work.run(["env", "list"], env: ["SALVO_STORE": ""])
        #expect(empty.status == 2 && empty.stderr.contains("SALVO_STORE is set but empty"), "\(empty)")
        let emptyFlag = try await work.salvo("env", "list", "--store", "")
        #expect(emptyFlag.status == 2 && emptyFlag.stderr.contains("--store is empty"), "\(emptyFlag)")
        let add = try await work.run(
            ["env", "add", "prod", "--base-url", "https://example.com", "--token-stdin"], stdin: "t-0123456789",
            env: ["SALVO_STORE": missing])
        #expect(add.status == 0 && FileManager.default.fileExists(atPath: missing), "adding creates it: \(add)")
    }

    @Test("the default store lives under $XDG_DATA_HOME, else ~/.local/share, created 0700/0600")
    func defaultLocation() async throws {
        let work = try Workspace()
        let xdg = work.folder + "/xdg"
        let add = try await work.run(
            ["env", "add", "x", "--base-url", "https://e.com", "--token", "t"], env: ["XDG_DATA_HOME": xdg],
            unsetting: ["SALVO_STORE"])
        #expect(add.status == 0, "\(add)")
        #expect(FileManager.default.fileExists(atPath: xdg + "/salvo/salvo.db"))
        let addHome = try await work.run(
            ["env", "add", "x", "--base-url", "https://e.com", "--token", "t"], unsetting: ["SALVO_STORE"])
        #expect(addHome.status == 0, "\(addHome)")
        let home = try await work.run(["store", "info", "--json"], unsetting: ["SALVO_STORE"])
        #expect(
            (try home.stdout.json() as? [String: Any])?["path"] as? String == work.folder
                + "/.local/share/salvo/salvo.db")
        let folder = try FileManager.default.attributesOfItem(atPath: work.folder + "/.local/share/salvo")
        #expect(folder[.posixPermissions] as? Int == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: work.folder + "/.local/share/salvo/salvo.db")
        #expect(file[.posixPermissions] as? Int == 0o600)
    }

    @Test("a file that is not SQLite: exit 4, a clear message, the file untouched")
    func notSQLite() async throws {
        let work = try Workspace()
        let path = work.folder + "/notes.txt"
        try "just some notes\n".write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try await work.run(["env", "list", "--store", path])
        #expect(outcome.status == 4)
        #expect(
            outcome.stderr
                == "error: \(path) is not a salvo store (not an SQLite database); give another path with --store\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "just some notes\n")
    }

    @Test("a store from a newer salvo: exit 4 naming both versions, nothing changed")
    func newerStore() async throws {
        let work = try Workspace()
        try await work.seed()
        #expect(try await work.sqlite("INSERT INTO grdb_migrations VALUES ('0042_future')").status == 0)
        let before = try work.dump()
        let outcome = try await work.salvo("env", "add", "y", "--base-url", "https://e.com", "--token-env", "T")
        #expect(outcome.status == 4)
        let fresh = try Workspace()
        try await fresh.seed()
        let info = try await fresh.salvo("store", "info", "--json")
        let known = try #require((try info.stdout.json() as? [String: Any])?["known_schema_version"] as? Int)
        #expect(
            outcome.stderr.contains(
                "was written by a newer salvo (schema version 42; this salvo knows up to \(known))"))
        #expect(try work.dump() == before)
    }

    @Test("a store path that cannot be created or is a folder: exit 4")
    func unusablePaths() async throws {
        let work = try Workspace()
        let file = work.folder + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let underFile = try await work.run(
            ["env", "add", "x", "--base-url", "https://e.com", "--token-env", "T", "--store", file + "/sub/salvo.db"])
        #expect(underFile.status == 4)
        #expect(underFile.stderr.contains("error: cannot open the store \(file)/sub/salvo.db: "), "\(underFile)")
        let folder = try await work.run(["env", "list", "--store", work.folder])
        #expect(folder.status == 4)
        #expect(folder.stderr.contains("it is a folder"))
    }

    @Test("a copy of the binary elsewhere carries its migrations")
    func copiedBinary() async throws {
        let work = try Workspace()
        let copy = work.folder + "/bin/salvo"
        try FileManager.default.createDirectory(atPath: work.folder + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Workspace.binary, toPath: copy)
        // A process forked by another test while the copy was being written may hold it open for a moment
        // (ETXTBSY): try again then.
        var add: Outcome?
        for _ in 0..<20 where add == nil {
            add = try? await work.run(["env", "add", "x", "--base-url", "https://e.com", "--token", "t"], binary: copy)
            if add == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard let add else {
            Issue.record("the copied binary never ran")
            return
        }
        #expect(add.status == 0, "\(add)")
        let info = try await work.run(["store", "info", "--json"], binary: copy)
        let json = try #require(try info.stdout.json() as? [String: Any])
        #expect(json["schema_version"] as? Int == json["known_schema_version"] as? Int)
    }

    @Test("--help documents the exit codes; --version prints the version")
    func help() async throws {
        let work = try Workspace()
        let help = try await work.salvo("--help")
        #expect(help.status == 0)
        #expect(
            help.stdout.contains(
                "4  the store: missing, locked past the timeout, corrupt, unreadable,\n     or written by a newer salvo"
            ),
            "\(help)")
        let version = try await work.salvo("--version")
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        #expect(!FileManager.default.fileExists(atPath: work.store), "help opens no store")
    }
}
