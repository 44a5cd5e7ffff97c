import AsyncHTTPClient
import Foundation
import NIOCore
import SalvoCore
import Testing

@testable import SalvoSandbox

/// A sandbox on port 0 and a plain HTTP client to talk to it.
struct SandboxHarness {
    let server: SandboxServer
    static let token = "sandbox-test-token-0001"

    static func start(_ configure: (inout SandboxConfiguration) -> Void = { _ in }) async throws -> SandboxHarness {
        var configuration = SandboxConfiguration(tokens: [token])
        configuration.port = 0
        configuration.seed = 42
        configure(&configuration)
        return SandboxHarness(server: try await SandboxServer.start(configuration))
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: JSONValue? { try? JSONParser.parse(body) }
        var error: Int? { if case .number(let code)? = json?["error"] { Int(code) } else { nil } }
    }

    func post(_ path: String, _ body: String, headers: [String: String] = [:], timeout: Int64 = 10) async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: server.url + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
    }

    func launch(
        _ fields: String, headers: [String: String] = [:], path: String = "/api/v1.1/campaigns/triggers/start",
        timeout: Int64 = 10
    ) async throws -> Answer {
        try await post(path, #"{"token":"\#(Self.token)",\#(fields)}"#, headers: headers, timeout: timeout)
    }
}

@Suite("The sandbox answers like the platform")
struct SandboxTests {
    @Test("a valid launch succeeds, with or without the trailing slash, token in body or as Bearer")
    func success() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        let plain = try await sandbox.launch(#""id":1,"matching":"email","email":"a@x.io""#)
        #expect(plain.status == 200 && plain.error == 0)
        #expect(plain.json?["error_text"] == "Successful operation")
        let slash = try await sandbox.launch(#""id":"1","email":"a@x.io""#, path: "/api/v1.1/campaigns/triggers/start/")
        #expect(slash.error == 0)
        let bearer = try await sandbox.post(
            "/api/v1.1/campaigns/triggers/start", #"{"id":1,"matching":"phone","phone":"+79000000000"}"#,
            headers: ["Authorization": "Bearer \(SandboxHarness.token)"])
        #expect(bearer.error == 0)
        let records = await sandbox.server.records()
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.delivered && !$0.duplicate })
        #expect(records[2].recipient == "+79000000000")
        #expect(records[0].body == #"{"token":"<token>","id":1,"matching":"email","email":"a@x.io"}"#)
        #expect(records[2].headers.contains { $0.name == "Authorization" && $0.value == "Bearer <token>" })
    }

    @Test("a missing or wrong token answers 401 in the envelope")
    func auth() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        let missing = try await sandbox.post("/api/v1.1/campaigns/triggers/start", #"{"id":1,"email":"a@x.io"}"#)
        #expect(missing.status == 401 && missing.error == 401)
        let wrong = try await sandbox.post(
            "/api/v1.1/campaigns/triggers/start", #"{"token":"nope","id":1,"email":"a@x.io"}"#)
        #expect(wrong.error == 401)
        #expect(await sandbox.server.records().allSatisfy { !$0.delivered })
    }

    @Test(
        "validation names the field, with code 400",
        arguments: [
            (#""matching":"email","email":"a@x.io""#, "id is required"),
            (#""id":"x","email":"a@x.io""#, "id must be an integer"),
            (#""id":1,"matching":"fax","email":"a@x.io""#, "matching must be one of"),
            (#""id":1,"matching":"phone""#, "phone is required"),
            (#""id":1,"matching":"custom","field_name":"crm""#, "field_value is required"),
            (#""id":1,"custom_request":[1]"#, "custom_request must be an object"),
            (#""id":1,"email":"not-an-address""#, "is not an address"),
            (#""id":1,"email":"a@x.io","content":"x""#, "content must be an object"),
        ])
    func validation(fields: String, message: String) async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        let answer = try await sandbox.launch(fields)
        #expect(answer.status == 400)
        #expect(answer.error == 400)
        #expect(answer.json?["error_text"]?.stringValue?.contains(message) == true, "\(answer.body)")
    }

    @Test("--triggers limits which triggers exist; --error-status 200 keeps HTTP 200 for errors")
    func triggersAndStatus() async throws {
        let sandbox = try await SandboxHarness.start {
            $0.triggers = [1, 5]
            $0.errorStatus = .ok
        }
        defer { Task { await sandbox.server.stop() } }
        #expect(try await sandbox.launch(#""id":5,"email":"a@x.io""#).error == 0)
        let missing = try await sandbox.launch(#""id":7,"email":"a@x.io""#)
        #expect(missing.status == 200 && missing.error == 400)
        #expect(missing.json?["error_text"] == "Trigger mailing #7 not found or not active")
    }

    @Test("a repeated Request-ID gets the original answer with Duplicate-Request and is not delivered again")
    func deduplication() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        let first = try await sandbox.launch(#""id":1,"email":"a@x.io""#, headers: ["Request-ID": "r-1"])
        let second = try await sandbox.launch(#""id":1,"email":"a@x.io""#, headers: ["Request-ID": "r-1"])
        let other = try await sandbox.launch(#""id":1,"email":"a@x.io""#, headers: ["Request-ID": "r-2"])
        #expect(first.headers["duplicate-request"] == nil)
        #expect(second.headers["duplicate-request"] == "true")
        #expect(second.headers["duplicate-key"]?.count == 64)
        #expect(second.body == first.body)
        #expect(other.headers["duplicate-request"] == nil)
        let records = await sandbox.server.records()
        #expect(records.map(\.delivered) == [true, false, true])
        #expect(records.map(\.duplicate) == [false, true, false])
    }

    @Test("repeats of one Request-ID arriving together are delivered once, however they interleave")
    func concurrentRepeats() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        let answers = try await withThrowingTaskGroup(of: SandboxHarness.Answer.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    // Queued behind the client's connection pool on a loaded machine: a generous deadline.
                    try await sandbox.launch(#""id":1,"email":"a@x.io""#, headers: ["Request-ID": "same"], timeout: 60)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let records = await sandbox.server.records()
        #expect(records.count == 64)
        #expect(records.filter(\.delivered).count == 1)
        #expect(answers.filter { $0.headers["duplicate-request"] == nil }.count == 1)
        #expect(Set(answers.map(\.body)).count == 1)
    }

    @Test("its URL puts an IPv6 address in brackets")
    func ipv6() {
        #expect(SandboxServer.url(host: "::1", port: 8787) == "http://[::1]:8787")
        #expect(SandboxServer.url(host: "127.0.0.1", port: 80) == "http://127.0.0.1:80")
    }

    @Test("other methods answer with their documented fields")
    func otherMethods() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        let batch = try await sandbox.launch(
            #""trigger_id":7,"matching":"email","data":[{"email":"a@x.io"},{"email":"b@x.io"}]"#,
            path: "/api/v1.1/campaigns/triggers/start_batch")
        if case .array(let ids)? = batch.json?["result"] {
            #expect(ids.count == 2)
        } else {
            Issue.record("\(batch.body)")
        }
        let task = try await sandbox.launch(
            #""trigger_id":7,"data":[{"email":"a@x.io"}]"#, path: "/api/v1.1/campaigns/triggers/start_batch_task")
        #expect(task.json?["data"]?["task_id"] != nil)
        let profile = try await sandbox.launch(#""data":{"email":"a@x.io"}"#, path: "/api/v1.1/profiles/import")
        #expect(profile.json?["profile_id"]?.stringValue?.count == 24)
        #expect(try await sandbox.launch(#""id":3,"email":"a@x.io""#, path: "/api/v1.1/workflows/start").error == 0)
        #expect(
            try await sandbox.launch(
                #""trigger_id":3,"data":{"email":"a@x.io"}"#, path: "/api/v1.1/campaigns/triggers/import_and_start"
            ).error == 0)
        let unknown = try await sandbox.launch(#""id":1"#, path: "/api/v1.1/nothing/here")
        #expect(unknown.status == 404 && unknown.error == 400)
        let notJSON = try await sandbox.post("/api/v1.1/campaigns/triggers/start", "{oops")
        #expect(notJSON.error == 400)
    }

    @Test("misbehaviour: throttle with Retry-After, 5xx, HTML pages, latency, resets")
    func misbehaviour() async throws {
        let throttled = try await SandboxHarness.start {
            $0.throttleRate = 1
            $0.retryAfterSeconds = 7
        }
        let answer = try await throttled.launch(#""id":1,"email":"a@x.io""#)
        #expect(answer.status == 429 && answer.headers["retry-after"] == "7")
        #expect(await throttled.server.records().first?.misbehaviour == "throttled")
        await throttled.server.stop()

        let failing = try await SandboxHarness.start { $0.failRate = 1 }
        #expect(try await failing.launch(#""id":1,"email":"a@x.io""#).status == 503)
        await failing.server.stop()

        let html = try await SandboxHarness.start {
            $0.failRate = 1
            $0.htmlErrors = true
        }
        let page = try await html.launch(#""id":1,"email":"a@x.io""#)
        #expect(page.status == 502 && page.headers["content-type"] == "text/html" && page.body.contains("<html>"))
        await html.server.stop()

        let slow = try await SandboxHarness.start { $0.latencyMilliseconds = 300 }
        let start = ContinuousClock.now
        #expect(try await slow.launch(#""id":1,"email":"a@x.io""#).error == 0)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        await slow.server.stop()

        let resetting = try await SandboxHarness.start { $0.resetRate = 1 }
        await #expect(throws: (any Error).self) { try await resetting.launch(#""id":1,"email":"a@x.io""#) }
        let record = await resetting.server.records().first
        #expect(record?.misbehaviour == "reset" && record?.delivered == true)
        await resetting.server.stop()
    }

    @Test("the launch log is served as JSON and cleared by DELETE")
    func launchLog() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.server.stop() } }
        _ = try await sandbox.launch(#""id":1,"email":"a@x.io""#, headers: ["Request-ID": "abc"])
        var request = HTTPClientRequest(url: sandbox.server.url + "/_sandbox/launches")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let log = try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 1 << 20)))
        guard case .array(let entries) = log, let entry = entries.first else {
            Issue.record("no entries: \(log.compact)")
            return
        }
        #expect(entry["request_id"] == "abc" && entry["delivered"] == .bool(true) && entry["status"] == 200)
        #expect(!log.compact.contains(SandboxHarness.token))
        request.method = .DELETE
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        #expect(await sandbox.server.records().isEmpty)
    }
}
