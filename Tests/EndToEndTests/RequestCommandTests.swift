import Foundation
import Testing

@Suite("salvo request: add, list, show, edit, rename, copy, remove", .timeLimit(.minutes(5)))
struct RequestCommandTests {
    @Test("every recipient form is saved as the platform expects it, text kept as text")
    func recipientForms() async throws {
        let work = try Workspace()
        try await work.seed()
        let cases: [([String], String)] = [
            (["--email", "a@example.com"], #"{"id":1,"matching":"email","email":"a@example.com"}"#),
            (["--phone", "+79000000000"], #"{"id":1,"matching":"phone","phone":"+79000000000"}"#),
            (
                ["--profile-id", "012452gf62fcd71fjh8ec0"],
                #"{"id":1,"matching":"profile_id","profile_id":"012452gf62fcd71fjh8ec0"}"#
            ),
            (["--field", "CRM_ID=007"], #"{"id":1,"matching":"custom","field_name":"CRM_ID","field_value":"007"}"#),
            (
                ["--query", #"{"email":{"$in":["a@x.io","b@x.io"]}}"#],
                #"{"id":1,"custom_request":{"email":{"$in":["a@x.io","b@x.io"]}}}"#
            ),
        ]
        for (index, (flags, body)) in cases.enumerated() {
            let add = try await work.run(["request", "add", "r\(index)", "--trigger", "1"] + flags)
            #expect(add.status == 0, "\(add)")
            #expect(
                try work.dump().contains("'r\(index)','trigger','campaigns/triggers/start','','\(body)'"), "\(flags)")
        }
        let big = try await work.salvo(
            "request", "add", "big", "--trigger", "5", "--field", "crm=12345678901234567890", "--resource-id", "3",
            "--content", "name={{name}}", "--content-json", #"{"plan":"gold"}"#, "--custom-data", #"{"k":[1,2]}"#,
            "--subscription-filter", #"{"email":"a@x.io","not_strict":true}"#)
        #expect(big.status == 0, "\(big)")
        let shown = try await work.salvo("request", "show", "big", "--json")
        let launch = try #require((try shown.stdout.json() as? [String: Any])?["launch"] as? [String: Any])
        let body = try #require(launch["body"] as? [String: Any])
        #expect(body["field_value"] as? String == "12345678901234567890")
        #expect(body["content"] as? [String: String] == ["plan": "gold", "name": "{{name}}"])
        #expect(launch["url"] as? String == "https://example.com/api/v1.1/campaigns/triggers/start")
    }

    @Test("method requests take --method and --body; trigger flags do not mix with them")
    func methodRequests() async throws {
        let work = try Workspace()
        let body = #"{"trigger_id":7,"matching":"email","data":[{"email":"a@x.io"},{"email":"{{second}}"}]}"#
        let add = try await work.salvo(
            "request", "add", "batch", "--method", "campaigns/triggers/start_batch", "--body", body)
        #expect(add.status == 0, "\(add)")
        #expect(try work.dump().contains("'batch','method','campaigns/triggers/start_batch','','\(body)'"))
        let bodyFile = work.folder + "/body.json"
        try #"{"data":{"email":"x@y.z"}}"#.write(toFile: bodyFile, atomically: true, encoding: .utf8)
        let fromFile = try await work.salvo(
            "request", "add", "import", "--method", "profiles/import", "--body-file", bodyFile)
        #expect(fromFile.status == 0, "\(fromFile)")
        let mixed = try await work.salvo(
            "request", "add", "m", "--method", "profiles/import", "--body", "{}", "--email", "a@x.io")
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("is not a trigger launch"))
        let noBody = try await work.salvo("request", "add", "m", "--method", "profiles/import")
        #expect(noBody.status == 2)
        #expect(noBody.stderr.contains("needs a body"))
    }

    @Test("list orders by folder then name, filters by folder (with sub-folders) and tag; --json has stable keys")
    func list() async throws {
        let work = try Workspace()
        for (name, folder, tag) in [
            ("zeta", "", "a"), ("alpha", "", "b"), ("w1", "onboarding", "a"), ("w2", "onboarding/day2", "b"),
            ("x", "onboarding2", "a"),
        ] {
            let add = try await work.run(
                ["request", "add", name, "--trigger", "3", "--email", "\(name)@x.io", "--folder", folder, "--tag", tag])
            #expect(add.status == 0, "\(add)")
        }
        let all = try await work.salvo("request", "list")
        #expect(
            all.stdout.lines.dropFirst().map { $0.split(separator: " ").first! } == ["alpha", "zeta", "w1", "w2", "x"])
        let folder = try await work.salvo("request", "list", "--folder", "onboarding")
        #expect(folder.stdout.lines.dropFirst().map { $0.split(separator: " ").first! } == ["w1", "w2"])
        let tagged = try await work.salvo("request", "list", "--tag", "a", "--json")
        let items = try #require(try tagged.stdout.json() as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["zeta", "w1", "x"])
        #expect(Set(items[0].keys) == ["name", "kind", "method", "folder", "tags", "environment", "body"])
        let none = try await work.salvo("request", "list", "--tag", "nothing")
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr.contains("no requests match"))
    }

    @Test("show renders the launch with the token masked, variables filled, unresolved ones listed")
    func show() async throws {
        let work = try Workspace()
        try await work.seed()
        #expect(try await work.salvo("env", "edit", "prod", "--var", "name=Env").status == 0)
        #expect(
            try await work.salvo(
                "request", "add", "tpl", "--trigger", "{{trigger}}", "--phone", "{{phone}}", "--content",
                "name={{name}}"
            ).status == 0)
        let show = try await work.salvo("request", "show", "tpl", "--var", "trigger=9", "--var", "name=Var")
        #expect(show.status == 0)
        #expect(show.stdout.contains("POST     https://example.com/api/v1.1/campaigns/triggers/start"))
        #expect(show.stdout.contains(#""token": "<token fp:"#))
        #expect(show.stdout.contains(#""id": 9,"#))
        #expect(show.stdout.contains(#""phone": "{{phone}}""#))
        #expect(show.stdout.contains(#""name": "Var""#))
        #expect(!show.stdout.contains("seed-token-0001"))
        #expect(show.stderr.contains("warning: no value yet for {{phone}}"))
        #expect(try await work.salvo("env", "edit", "prod", "--auth", "bearer").status == 0)
        let bearer = try await work.salvo("request", "show", "welcome")
        #expect(bearer.stdout.contains("header   Authorization: Bearer <token fp:"))
        #expect(!bearer.stdout.contains(#""token""#))
    }

    @Test("edit with flags: new recipient replaces the old, tags add and remove, environment set and cleared")
    func editWithFlags() async throws {
        let work = try Workspace()
        try await work.seed()
        let edit = try await work.salvo(
            "request", "edit", "welcome", "--phone", "+79000000000", "--tag", "q3", "--untag", "new", "--folder", "a/b",
            "--no-env")
        #expect(edit.status == 0, "\(edit)")
        let shown = try #require(
            try await work.salvo("request", "show", "welcome", "--json").stdout.json() as? [String: Any])
        #expect(shown["tags"] as? [String] == ["q3"])
        #expect(shown["folder"] as? String == "a/b")
        #expect(shown["environment"] is NSNull)
        let body = try #require(shown["body"] as? [String: Any])
        #expect(body["phone"] as? String == "+79000000000")
        #expect(body["email"] == nil)
        #expect(body["matching"] as? String == "phone")
    }

    @Test("rename, copy and remove; each is in the audit log")
    func renameCopyRemove() async throws {
        let work = try Workspace()
        try await work.seed()
        #expect(try await work.salvo("request", "copy", "welcome", "welcome-copy").status == 0)
        #expect(try await work.salvo("request", "rename", "welcome-copy", "second").status == 0)
        #expect(try await work.salvo("request", "remove", "second").status == 0)
        let names = try await work.salvo("request", "list", "--json").stdout
        #expect(names.contains("\"welcome\"") && !names.contains("second"))
        let log = try await work.salvo("audit", "log")
        #expect(log.status == 0)
        let actions = log.stdout.lines.dropFirst().map { line in
            line.split(separator: " ", omittingEmptySubsequences: true)[2...4].joined(separator: " ")
        }
        #expect(
            actions == [
                "create environment prod", "use environment prod", "create request welcome",
                "create request welcome-copy",
                "rename request second", "delete request second",
            ])
        let user = ProcessInfo.processInfo.userName
        let json = try #require(
            try await work.salvo("audit", "log", "--json", "--user", user).stdout.json() as? [[String: Any]])
        #expect(json.count == 6)
        #expect(
            json.allSatisfy {
                $0["user"] as? String == user && $0["host"] as? String == ProcessInfo.processInfo.hostName
            })
        #expect(try await work.salvo("audit", "log", "--json", "--user", "nobody").stdout == "[]\n")
        #expect(try await work.salvo("audit", "log", "--json", "--since", "2999-01-01").stdout == "[]\n")
        #expect(try (await work.salvo("audit", "log", "--json", "--since", "1h").stdout.json() as? [Any])?.count == 6)
    }
}
