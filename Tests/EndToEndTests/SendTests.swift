import Foundation
import Testing

@Suite("salvo send: launch, classify, record", .timeLimit(.minutes(5)))
struct SendTests {
    @Test("ok: the sandbox receives the body byte for byte as recorded, with the token and the Request-ID")
    func ok() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest(
            "welcome", "--trigger", "1", "--phone", "+79161234567", "--content", "crm=12345678901234567890",
            "--content", "code=007")
        let send = try await work.salvo("send", "welcome", "--json")
        #expect(send.status == 0, "\(send)")
        let result = try #require(try send.stdout.json() as? [String: Any])
        #expect(result["result"] as? String == "ok")
        #expect(result["http_status"] as? Int == 200)
        let history = try await work.history()
        #expect(history.count == 1)
        #expect(history[0]["result"] as? String == "ok")
        #expect(history[0]["recipient"] as? String == "+79161234567")
        let received = await sandbox.records()
        #expect(received.count == 1 && received[0].delivered)
        #expect(received[0].requestID == history[0]["request_id"] as? String)
        #expect(
            received[0].body
                == #"{"token":"<token>","id":1,"matching":"phone","phone":"+79161234567","#
                + #""content":{"crm":"12345678901234567890","code":"007"}}"#)
        let shown = try await work.salvo("history", "show", "\(history[0]["id"]!)", "--json")
        let detail = try #require(try shown.stdout.json() as? [String: Any])
        let attempt = try #require((detail["attempts"] as? [[String: Any]])?.first)
        let recorded = try #require(attempt["body"] as? String)
        #expect(recorded.replacing(/<token fp:[0-9a-f]{12}>/, with: "<token>") == received[0].body)
        let outcome = try #require(attempt["outcome"] as? [String: Any])
        #expect((outcome["body"] as? String)?.contains("Successful operation") == true)
    }

    @Test("bearer auth puts the token in the header, masked in the ledger")
    func bearer() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--auth", "bearer", "--trailing-slash"])
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        #expect(try await work.salvo("send", "welcome").status == 0)
        let received = try #require(await sandbox.records().first)
        #expect(received.path == "/api/v1.1/campaigns/triggers/start/")
        #expect(received.body == #"{"id":1,"matching":"email","email":"a@x.io"}"#)
        #expect(received.headers.contains { $0.name == "Authorization" && $0.value == "Bearer <token>" })
        let show = try await work.salvo("history", "show", "1")
        #expect(show.stdout.contains("Authorization: Bearer <token fp:"))
    }

    @Test("rejected: a wrong token, an unknown trigger, a bad address: exit 1 with the platform's error_text")
    func rejected() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addEnvironment("wrong", url: sandbox.url, token: "not-the-token-123")
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        try await work.addRequest("ghost", "--trigger", "9", "--email", "a@x.io")
        try await work.addRequest("bad", "--trigger", "1", "--email", "no-at-sign")
        let wrongToken = try await work.salvo("send", "welcome", "--env", "wrong")
        #expect(wrongToken.status == 1)
        #expect(wrongToken.stdout.contains("rejected  HTTP 401  error 401: API token required"))
        let unknownTrigger = try await work.salvo("send", "ghost")
        #expect(unknownTrigger.status == 1)
        #expect(unknownTrigger.stdout.contains("Trigger mailing #9 not found or not active"))
        let badAddress = try await work.salvo("send", "bad")
        #expect(badAddress.status == 1)
        #expect(badAddress.stdout.contains("is not an address"))
        #expect(try await work.history("--status", "rejected").count == 3)
        #expect(await sandbox.records().allSatisfy { !$0.delivered })
    }

    @Test("not sent: nothing listens on the port: exit 3, recorded as not-sent")
    func notSent() async throws {
        let work = try Workspace()
        try await work.addEnvironment("dead", url: "http://127.0.0.1:\(try closedPort())")
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        let send = try await work.salvo("send", "welcome")
        #expect(send.status == 3)
        #expect(send.stdout.contains("not sent  could not connect to 127.0.0.1:"))
        let history = try await work.history()
        #expect(history.first?["result"] as? String == "not-sent")
    }

    @Test("unknown: the answer takes longer than --timeout: exit 3, recorded as unknown, yet delivered")
    func timeout() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 2500 }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        let send = try await work.salvo("send", "welcome", "--timeout", "0.5")
        #expect(send.status == 3, "\(send)")
        #expect(send.stdout.contains("unknown   no complete answer"))
        #expect(try await work.history().first?["result"] as? String == "unknown")
        #expect(await eventually { await sandbox.records().first?.delivered == true })
    }

    @Test("kill -9 while the sandbox holds the answer: the ledger keeps the attempt, the launch reads unknown")
    func killed() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 10_000 }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        let (process, _) = try work.spawn(["send", "welcome"])
        #expect(await eventually { await !sandbox.records().isEmpty || !process.isRunning } == true)
        kill(process.processIdentifier, SIGKILL)
        await waitForExit(process)
        #expect(process.terminationReason == .uncaughtSignal)
        let history = try await work.history()
        #expect(history.count == 1)
        #expect(history.first?["result"] as? String == "unknown")
        let detail = try await work.salvo("history", "show", "1")
        #expect(detail.stdout.contains("no outcome: the answer never came (unknown)"))
        #expect(await sandbox.records().first?.requestID == history.first?["request_id"] as? String)
    }

    @Test("--dry-run shows the launch with the token masked and a curl command, and sends and records nothing")
    func dryRun() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        let dry = try await work.salvo("send", "welcome", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("POST \(sandbox.url)/api/v1.1/campaigns/triggers/start"))
        #expect(dry.stdout.contains(#""token": "<token fp:"#))
        #expect(dry.stdout.contains(#"--data-binary '{"token":"'"$SALVO_TOKEN"'","id":1"#))
        #expect(!dry.stdout.contains(TestSandbox.token))
        #expect(await sandbox.records().isEmpty)
        #expect(try await work.history().isEmpty)
    }

    @Test("the guard skips an identical launch (same body), sends other content, follows --guard-rule; --force sends")
    func guardWindow() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        try await work.addRequest("order", "--trigger", "1", "--email", "a@x.io", "--content", "order={{order}}")
        #expect(try await work.salvo("send", "welcome").status == 0)
        #expect(try await work.salvo("send", "order", "--var", "order=123").stdout.hasPrefix("ok"))
        let other = try await work.salvo("send", "order", "--var", "order=456")
        #expect(other.status == 0 && other.stdout.hasPrefix("ok"), "other content is another mailing: \(other)")
        let skipped = try await work.salvo("send", "order", "--var", "order=123")
        #expect(skipped.status == 0)
        #expect(
            skipped.stdout.contains(
                "skipped   an identical launch (same environment, method and body) #3 succeeded (salvo history show 3)"),
            "\(skipped)")
        #expect(await sandbox.deliveries() == ["a@x.io": 3])
        #expect(try await work.salvo("env", "edit", "sb", "--guard-rule", "recipient").status == 0)
        let strict = try await work.salvo("send", "order", "--var", "order=789", "--json")
        let result = try #require(try strict.stdout.json() as? [String: Any])
        #expect(result["result"] as? String == "skipped")
        #expect(result["skipped_because_of"] as? Int == 5, "the newest success to a@x.io: \(strict)")
        #expect((result["skip_reason"] as? String)?.contains("same environment, trigger and recipient") == true)
        #expect(result["transport_error"] is NSNull, "a skip is no transport error")
        #expect(result["recipient_kind"] as? String == "email" && result["recipient"] as? String == "a@x.io")
        let bad = try await work.salvo("env", "edit", "sb", "--guard-rule", "body")
        #expect(bad.status == 2 && bad.stderr.contains("content (same method and body)"), "\(bad)")
        let forced = try await work.salvo("send", "order", "--var", "order=789", "--force")
        #expect(forced.status == 0 && forced.stdout.hasPrefix("ok"))
        #expect(await sandbox.deliveries() == ["a@x.io": 4])
        #expect(try await work.history("--status", "skipped").count == 2)
        #expect(try await work.salvo("env", "edit", "sb", "--guard", "0").status == 0)
        #expect(try await work.salvo("send", "welcome").stdout.hasPrefix("ok"))
    }

    @Test("variables: --var fills templates; an unresolved one stops before anything is recorded or sent")
    func variables() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--var", "brand=Acme"])
        try await work.addRequest(
            "promo", "--trigger", "{{trigger}}", "--phone", "{{phone}}", "--content", "brand={{brand}}")
        let before = try work.dump()
        let missing = try await work.salvo("send", "promo", "--var", "trigger=5")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no value for {{phone}}"))
        let notInteger = try await work.salvo("send", "promo", "--var", "trigger=five", "--var", "phone=+7")
        #expect(notInteger.status == 2)
        #expect(notInteger.stderr.contains(#""id" must be a positive integer"#))
        #expect(try work.dump() == before)
        #expect(await sandbox.records().isEmpty)
        let send = try await work.salvo("send", "promo", "--var", "trigger=5", "--var", "phone=+79000000000")
        #expect(send.status == 0, "\(send)")
        #expect(
            await sandbox.records().first?.body
                == #"{"token":"<token>","id":5,"matching":"phone","phone":"+79000000000","content":{"brand":"Acme"}}"#)
    }

    @Test("bad input before sending: unknown request or environment, unset token variable, no environment")
    func badInput() async throws {
        let work = try Workspace()
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        let noEnvironment = try await work.salvo("send", "welcome")
        #expect(noEnvironment.status == 2)
        #expect(noEnvironment.stderr.contains("has no environment; give --env NAME"))
        #expect(
            try await work.run(["env", "add", "v", "--base-url", "http://127.0.0.1:1", "--token-env", "SB_TOKEN"])
                .status == 0)
        let unset = try await work.salvo("send", "welcome")
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("reads its token from $SB_TOKEN, which is not set"))
        #expect(try await work.salvo("send", "ghost").status == 2)
        #expect(try await work.salvo("send", "welcome", "--env", "ghost").status == 2)
        #expect(try await work.salvo("send", "welcome", "--timeout", "0").status == 2)
        #expect(try await work.history().isEmpty)
    }

    @Test("the ledger refuses UPDATE and DELETE from outside salvo")
    func appendOnly() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        #expect(try await work.salvo("send", "welcome").status == 0)
        let update = try await work.sqlite("UPDATE ledger SET recipient = 'someone@else.io'")
        #expect(update.status != 0 && update.stderr.contains("the ledger is append-only"))
        let delete = try await work.sqlite("DELETE FROM ledger")
        #expect(delete.status != 0 && delete.stderr.contains("the ledger is append-only"))
        #expect(try await work.history().first?["recipient"] as? String == "a@x.io")
    }
}
