import Foundation
import Testing

@Suite("salvo export collection / env and salvo import: Postman and salvo bundles", .timeLimit(.minutes(5)))
struct InterchangeTests {
    static let fixtures =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/import").path

    /// A collection with nested folders, tags, every recipient form, unicode and `{{variables}}`.
    static func richCollection(_ work: Workspace) async throws {
        let env = try await work.salvo(
            "env", "add", "prod", "--base-url", "https://example.com/altcraft", "--token-env", "PROD_TOKEN", "--var",
            "lang=ru", "--var", "sender=Магазин")
        #expect(env.status == 0, "\(env)")
        let requests: [[String]] = [
            [
                "welcome", "--trigger", "12", "--email", "{{email}}", "--folder", "onboarding/day-1", "--tag", "new",
                "--tag", "vip", "--content", "name=Иван {{last}}", "--env", "prod",
            ],
            [
                "sms", "--trigger", "{{trigger}}", "--phone", "+79001234567", "--folder", "onboarding",
                "--content", "code=007",
            ],
            ["by-profile", "--trigger", "5", "--profile-id", "{{profile}}", "--folder", "onboarding/day-1/late"],
            ["by-field", "--trigger", "5", "--field", "card=00012", "--tag", "loyalty"],
            ["by-query", "--trigger", "5", "--query", #"{"city": "Москва", "age": {"gt": 18}}"#],
            ["emoji", "--trigger", "7", "--email", "a@example.com", "--content", "subject=Привет 👋 \"quoted\""],
        ]
        for flags in requests {
            let add = try await work.run(["request", "add"] + flags)
            #expect(add.status == 0, "\(add)")
        }
        let batch = try await work.salvo(
            "request", "add", "batch", "--method", "campaigns/triggers/start_batch", "--body",
            #"{"id": 12, "profiles": [{"email": "{{email}}"}, {"phone": "+7 900 000-00-00"}], "big": 12345678901234567890}"#,
            "--folder", "bulk")
        #expect(batch.status == 0, "\(batch)")
    }

    @Test("export, import into a new store, export again: the same bytes, for both formats")
    func roundTrips() async throws {
        let original = try Workspace()
        try await Self.richCollection(original)
        for format in ["salvo", "postman"] {
            let first = try await original.salvo("export", "collection", "--format", format)
            #expect(first.status == 0, "\(first)")
            let copy = try Workspace()
            let file = copy.folder + "/collection.json"
            try first.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try await copy.salvo("import", file)
            #expect(imported.status == 0, "\(imported)")
            #expect(imported.stdout.contains("7 added") || imported.stdout.contains("8 added"), "\(imported)")
            let second = try await copy.salvo("export", "collection", "--format", format)
            #expect(second.stdout == first.stdout, "\(format): \(second.stdout)")
            let sent = try await copy.salvo("request", "show", "batch", "--json")
            #expect(sent.stdout.contains("12345678901234567890"), "numbers keep their digits")
        }
        let folder = try await original.salvo("export", "collection", "--format", "salvo", "--folder", "onboarding")
        let names = try #require(try folder.stdout.json() as? [String: Any])["requests"] as? [[String: Any]]
        #expect(names?.map { $0["name"] as? String } == ["sms", "welcome", "by-profile"])
        let none = try await original.salvo("export", "collection", "--folder", "nowhere")
        #expect(none.status == 2 && none.stderr.contains("holds no requests"))
    }

    @Test("a bundle carries the default environment and says which variable a stored token is read from")
    func bundleDefaultAndTokens() async throws {
        let original = try Workspace()
        try await original.addEnvironment("alpha", url: "https://alpha.example.com")
        #expect(
            try await original.salvo(
                "env", "add", "zeta", "--base-url", "https://zeta.example.com", "--token-env", "Z_TOKEN"
            ).status == 0)
        #expect(try await original.salvo("env", "use", "zeta").status == 0)
        try await original.addRequest("plain", "--trigger", "1", "--email", "a@x.io")
        try await original.addRequest("pinned", "--trigger", "1", "--email", "b@x.io", "--env", "alpha")
        let first = try await original.salvo("export", "collection", "--format", "salvo")
        let bundle = try #require(try first.stdout.json() as? [String: Any])
        #expect(bundle["default_environment"] as? String == "zeta")
        let environments = try #require(bundle["environments"] as? [[String: Any]])
        #expect(environments.first { $0["name"] as? String == "alpha" }?["token_env"] as? String == "SALVO_TOKEN")
        let file = original.folder + "/bundle.json"
        try first.stdout.write(toFile: file, atomically: true, encoding: .utf8)

        let copy = try Workspace()
        #expect(try await copy.salvo("import", file).status == 0)
        let listed = try #require(try await copy.salvo("env", "list", "--json").stdout.json() as? [[String: Any]])
        #expect(listed.first { $0["default"] as? Bool == true }?["name"] as? String == "zeta")
        let second = try await copy.salvo("export", "collection", "--format", "salvo")
        #expect(second.stdout == first.stdout, "export, import, export: the same bytes")
        let plain = try await copy.salvo("send", "plain", "--dry-run", env: ["Z_TOKEN": "z-0123456789"])
        #expect(plain.stdout.contains("https://zeta.example.com/"), "\(plain)")

        // A store whose default is another 'zeta': renamed on import, and followed by the file's requests that
        // had no environment of their own.
        let other = try Workspace()
        try await other.addEnvironment("zeta", url: "https://other.example.com")
        let renamed = try await other.salvo("import", file, "--on-conflict", "rename")
        #expect(renamed.status == 0, "\(renamed)")
        #expect(renamed.stdout.contains("zeta -> zeta-2"), "\(renamed)")
        #expect(renamed.stdout.contains("it goes to 'zeta-2', the file's default environment"), "\(renamed)")
        #expect(renamed.stdout.contains("`salvo env edit alpha --token-stdin`"), "\(renamed)")
        let shown = try #require(
            try await other.salvo("request", "show", "plain", "--json").stdout.json() as? [String: Any])
        #expect(shown["environment"] as? String == "zeta-2")
        let afterImport = try #require(try await other.salvo("env", "list", "--json").stdout.json() as? [[String: Any]])
        #expect(
            afterImport.first { $0["default"] as? Bool == true }?["name"] as? String == "zeta",
            "the store's default kept")
    }

    @Test("the Postman collection is v2.1: folders as items, variables, raw JSON bodies with the token variable")
    func postmanShape() async throws {
        let work = try Workspace()
        try await Self.richCollection(work)
        let export = try await work.salvo("export", "collection")
        let collection = try #require(try export.stdout.json() as? [String: Any])
        let info = try #require(collection["info"] as? [String: Any])
        #expect(info["schema"] as? String == "https://schema.getpostman.com/json/collection/v2.1.0/collection.json")
        let variables = try #require(collection["variable"] as? [[String: Any]])
        #expect(variables.first?["key"] as? String == "base_url")
        #expect(variables.first?["value"] as? String == "https://example.com/altcraft")
        #expect(variables.contains { $0["key"] as? String == "token" && $0["value"] as? String == "" })
        let items = try #require(collection["item"] as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["bulk", "onboarding", "by-field", "by-query", "emoji"])
        let onboarding = try #require(items[1]["item"] as? [[String: Any]])
        let day1 = try #require(onboarding.first?["item"] as? [[String: Any]])
        let welcome = try #require(day1.last?["request"] as? [String: Any])
        let body = try #require((welcome["body"] as? [String: Any])?["raw"] as? String)
        #expect(body.hasPrefix("{\n  \"token\": \"{{token}}\",\n  \"id\": 12"))
        #expect(
            (welcome["url"] as? [String: Any])?["raw"] as? String == "{{base_url}}/api/v1.1/campaigns/triggers/start")
        #expect(welcome["description"] as? String == "salvo tags: new, vip\nsalvo environment: prod")
    }

    @Test("Postman v2.1 and v2.0 fixtures and a Postman environment import as expected, with what was left out")
    func postmanFixtures() async throws {
        let work = try Workspace()
        let v21 = try await work.salvo("import", Self.fixtures + "/postman-v2.1.json", "--json")
        #expect(v21.status == 0, "\(v21)")
        let report = try #require(try v21.stdout.json() as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        #expect(
            entries.map { "\($0["entity"]!) \($0["name"]!)" } == [
                "environment Altcraft-Triggers", "request Welcome-email", "request SMS-by-phone", "request Batch",
            ])
        let skipped = try #require(report["skipped"] as? [[String: Any]]).map { "\($0["item"]!): \($0["reason"]!)" }
        #expect(skipped.count == 6, "\(skipped)")
        #expect(skipped.contains { $0.hasPrefix("Onboarding/Day-1/Status ($.item[0].item[0].item[1]): a GET request") })
        #expect(skipped.contains { $0.hasPrefix("Form launch ($.item[3]): a urlencoded body") })
        #expect(skipped.contains { $0.contains("prerequest script") })
        #expect(skipped.contains { $0.hasPrefix("the collection: its test script") })
        #expect(skipped.contains { $0.contains("header X-Trace") })
        let welcome = try #require(
            try await work.salvo("request", "show", "Welcome-email", "--json").stdout.json() as? [String: Any])
        #expect(welcome["folder"] as? String == "Onboarding/Day-1")
        #expect(welcome["kind"] as? String == "trigger")
        let body = try #require(welcome["body"] as? [String: Any])
        #expect(body["id"] as? String == "{{welcome_trigger}}", "a bare Postman variable kept as a template")
        #expect(body["token"] == nil, "the token comes from the environment, never from the body")
        #expect((body["content"] as? [String: Any])?["code"] as? String == "007")
        let batch = try #require(
            try await work.salvo("request", "show", "Batch", "--json").stdout.json() as? [String: Any])
        #expect(batch["kind"] as? String == "method" && batch["method"] as? String == "campaigns/triggers/start_batch")
        let env = try await work.salvo("env", "show", "Altcraft-Triggers", "--json")
        #expect(env.stdout.contains("https://example.altcraft.com") && env.stdout.contains("welcome_trigger"))
        #expect(env.stdout.contains("$SALVO_TOKEN"), "\(env)")
        let rendered = try await work.salvo(
            "send", "Welcome-email", "--dry-run", "--var", "email=a@example.com", env: ["SALVO_TOKEN": "t-123456789"])
        #expect(rendered.status == 0 && rendered.stdout.contains("\"id\": 12"), "\(rendered)")

        let v20 = try await work.salvo("import", Self.fixtures + "/postman-v2.0.json")
        #expect(v20.status == 0, "\(v20)")
        #expect(v20.stdout.contains("2 added") && v20.stdout.contains("2 left out"), "\(v20)")
        #expect(
            v20.stdout.contains("its URL names its host: it keeps it, through environment 'legacy.example.com'"),
            "a request that names its host is never retargeted silently: \(v20)")
        #expect(v20.stdout.contains("made for https://legacy.example.com, a host the file's requests name"))
        let legacy = try await work.salvo("request", "show", "Launch-by-profile", "--json")
        #expect(legacy.stdout.contains("\"legacy\"") && legacy.stdout.contains("\"vip\""), "tags from the description")
        let legacyRequest = try #require(try legacy.stdout.json() as? [String: Any])
        #expect(legacyRequest["environment"] as? String == "legacy.example.com")
        let legacyEnvironment = try await work.salvo("env", "show", "legacy.example.com", "--json")
        #expect(legacyEnvironment.stdout.contains("\"https://legacy.example.com\""), "\(legacyEnvironment)")
        // A store whose environment of that name points elsewhere: whatever the policy, the request keeps its host.
        let clash = try Workspace()
        try await clash.addEnvironment("legacy.example.com", url: "https://elsewhere.example.net")
        for policy in ["skip", "replace"] {
            let imported = try await clash.salvo(
                "import", Self.fixtures + "/postman-v2.0.json", "--on-conflict", policy, "--json")
            #expect(imported.status == 0, "\(imported)")
            let request = try #require(
                try await clash.salvo("request", "show", "Launch-by-profile", "--json").stdout.json() as? [String: Any])
            let target = try #require(request["environment"] as? String)
            let shown = try await clash.salvo("env", "show", target, "--json")
            #expect(shown.stdout.contains("\"https://legacy.example.com\""), "\(policy): \(target) \(shown)")
        }
        let dry = try Workspace()
        let dryRun = try await dry.salvo("import", Self.fixtures + "/postman-v2.0.json", "--dry-run")
        #expect(dryRun.status == 4 && !FileManager.default.fileExists(atPath: dry.store), "\(dryRun)")

        let environment = try await work.salvo("import", Self.fixtures + "/postman-environment.json")
        #expect(environment.status == 0 && environment.stdout.contains("environment Production-EU"), "\(environment)")
        let shown = try await work.salvo("env", "show", "Production-EU", "--json")
        #expect(shown.stdout.contains("https://eu.altcraft.example\""), "the base URL normalized")
        #expect(shown.stdout.contains("sender") && !shown.stdout.contains("\"old\""), "disabled values left out")
    }

    @Test("conflicts: fail changes nothing and names the item; skip, rename and replace do what they say")
    func conflicts() async throws {
        let work = try Workspace()
        try await Self.richCollection(work)
        let file = work.folder + "/bundle.json"
        let exported = try await work.salvo("export", "collection", "--format", "salvo", "--out", file)
        #expect(exported.status == 0 && exported.stderr.contains("exported 7 request(s)"))
        let before = try work.dump()
        let fail = try await work.salvo("import", file)
        #expect(fail.status == 2)
        #expect(fail.stderr.contains("environment 'prod' ($.environments[0] in the file) is already in the store"))
        #expect(try work.dump() == before)
        let dry = try await work.salvo("import", file, "--on-conflict", "rename", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("dry run: nothing was imported"))
        #expect(dry.stdout.contains("renamed  request     welcome -> welcome-2"), "\(dry)")
        #expect(try work.dump() == before, "a dry run changes nothing")
        let skip = try await work.salvo("import", file, "--on-conflict", "skip")
        #expect(skip.status == 0 && skip.stdout.contains("0 added, 0 renamed, 0 replaced, 8 skipped"), "\(skip)")
        #expect(try work.dump() == before)
        let rename = try await work.salvo("import", file, "--on-conflict", "rename")
        #expect(rename.status == 0, "\(rename)")
        let renamed = try #require(
            try await work.salvo("request", "show", "welcome-2", "--json").stdout.json() as? [String: Any])
        #expect(renamed["environment"] as? String == "prod-2", "a renamed environment is followed by its requests")
        let edit = try await work.salvo("request", "edit", "sms", "--phone", "+70000000000")
        #expect(edit.status == 0)
        let stored = try await work.salvo("env", "edit", "prod", "--token-stdin", stdin: "stored-token-123456")
        #expect(stored.status == 0)
        let replace = try await work.salvo("import", file, "--on-conflict", "replace")
        #expect(replace.status == 0 && replace.stdout.contains("replaced environment prod"), "\(replace)")
        let sms = try await work.salvo("request", "show", "sms", "--json")
        #expect(sms.stdout.contains("+79001234567"), "replaced by the file's version")
        #expect(try await work.salvo("env", "show", "prod").stdout.contains("$PROD_TOKEN"), "the file's token source")
        let postman = Self.fixtures + "/postman-environment.json"
        #expect(try await work.salvo("import", postman).status == 0)
        #expect(
            try await work.salvo("env", "edit", "Production-EU", "--token-stdin", stdin: "kept-token-1234").status == 0)
        let kept = try await work.salvo("import", postman, "--on-conflict", "replace")
        #expect(kept.status == 0 && kept.stdout.contains("the store's token was kept"), "\(kept)")
        let revealed = try await work.salvo("env", "show", "Production-EU", "--reveal")
        #expect(revealed.stdout.contains("kept-token-1234"))
        let log = try #require(try await work.salvo("audit", "log", "--json").stdout.json() as? [[String: Any]])
        #expect(log.contains { $0["name"] as? String == "welcome-2" && $0["action"] as? String == "create" })
        #expect(try await work.salvo("audit", "verify").status == 0)
    }

    @Test(
        "malformed files (truncated, wrong types, no info, not UTF-8, 50 MB) exit 2 naming the place, store unchanged")
    func malformed() async throws {
        let work = try Workspace()
        try await work.seed()
        let before = try work.dump()
        let expectations: [String: String] = [
            "truncated.json": "not valid JSON: expected ':' after key \"url\" at line 1",
            "item-not-array.json": "$.item must be an array, not an object",
            "missing-info.json": "$.info is missing",
            "url-number.json": "$.item[0].request.url must be an object, not a number",
            "item-neither.json": "$.item[0].item[0]: an item must hold",
            "schema-v1.json": "salvo reads Postman collections v2.0 and v2.1",
            "bundle-bad-request.json": "$.requests[1]: \"id\" must be a positive integer",
            "bundle-future.json": "$.version: this bundle is version 9",
            "bundle-bad-url.json": "$.environments[0]: base URL 'ftp://x' uses 'ftp'",
            "environment-no-base-url.json": "$.values has no base_url",
            "array.json": "the file holds an array, not an object",
            "empty.json": "not valid JSON: unexpected end of input",
            "not-utf8.json": "the file is not UTF-8 text",
        ]
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures + "/malformed")
        #expect(Set(files) == Set(expectations.keys), "every malformed fixture has its expectation")
        for (file, message) in expectations {
            let outcome = try await work.salvo("import", Self.fixtures + "/malformed/" + file)
            #expect(outcome.status == 2, "\(file): \(outcome)")
            #expect(outcome.stderr.contains(message), "\(file): \(outcome.stderr)")
            #expect(outcome.stderr.contains("nothing was imported"), "\(file)")
        }
        let big = work.folder + "/big.postman_collection.json"
        var text = #"{"info": {"name": "big", "schema": "v2.1"}, "item": ["#
        let item =
            #"{"name": "Welcome", "request": {"method": "POST", "url": "{{base_url}}/api/v1.1/campaigns/triggers/start", "body": {"mode": "raw", "raw": "{\"id\": 1, \"email\": \"a@example.com\"}"}}},"#
        text += String(repeating: item, count: 50 * 1024 * 1024 / item.utf8.count)
        try text.write(toFile: big, atomically: false, encoding: .utf8)
        let huge = try await work.salvo("import", big)
        #expect(huge.status == 2 && huge.stderr.contains("not valid JSON: unexpected end of input"), "\(huge.stderr)")
        for missing in [work.folder + "/nope.json", work.folder] {
            let outcome = try await work.salvo("import", missing)
            #expect(outcome.status == 2, "\(outcome)")
        }
        let policy = try await work.salvo("import", Self.fixtures + "/postman-v2.1.json", "--on-conflict", "merge")
        #expect(policy.status == 2)
        #expect(try work.dump() == before)
    }

    @Test("export env --format postman: base_url, an empty secret token, variables")
    func postmanEnvironment() async throws {
        let work = try Workspace()
        try await Self.richCollection(work)
        let export = try await work.salvo("export", "env", "prod", "--format", "postman")
        let document = try #require(try export.stdout.json() as? [String: Any])
        #expect(document["name"] as? String == "prod")
        #expect(document["_postman_variable_scope"] as? String == "environment")
        let values = try #require(document["values"] as? [[String: Any]])
        #expect(values.map { $0["key"] as? String } == ["base_url", "token", "lang", "sender"])
        #expect(values[1]["type"] as? String == "secret" && values[1]["value"] as? String == "")
        let file = work.folder + "/prod.postman_environment.json"
        try export.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let back = try await work.salvo("import", file, "--on-conflict", "rename")
        #expect(back.status == 0 && back.stdout.contains("environment prod -> prod-2"), "\(back)")
        let missing = try await work.salvo("export", "env", "nope")
        #expect(missing.status == 2)
    }
}
