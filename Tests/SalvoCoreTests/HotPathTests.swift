import Foundation
import Testing

@testable import SalvoCore

/// The per-launch helpers that replaced the standard library's Character-based search: the same results.
@Suite("Byte search, masking and Request-IDs on the launch's hot path")
struct HotPathTests {
    @Test("replacing bytes finds every occurrence, left to right, and leaves text without one as it is")
    func replacing() {
        #expect("a-b-c".replacingBytes(of: "-", with: "+") == "a+b+c")
        #expect("aaaa".replacingBytes(of: "aa", with: "b") == "bb")
        #expect("aaa".replacingBytes(of: "aa", with: "b") == "ba")
        #expect("nothing here".replacingBytes(of: "token", with: "x") == "nothing here")
        #expect("".replacingBytes(of: "x", with: "y") == "")
        #expect("abc".replacingBytes(of: "", with: "y") == "abc")
        #expect("short".replacingBytes(of: "longer than it", with: "y") == "short")
        #expect("é🙂é🙂".replacingBytes(of: "🙂", with: "<>") == "é<>é<>")
        #expect("tok".replacingBytes(of: "tok", with: "") == "")
        #expect("x\u{0}y".replacingBytes(of: "\u{0}", with: "\u{FFFD}") == "x\u{FFFD}y")
        #expect("a{{b}}".utf8Offset(of: "{{") == 1)
        #expect("a{b}".utf8Offset(of: "{{") == nil)
    }

    @Test("a launch's record masks every occurrence of its token, the one placed and any other, and nothing else")
    func masking() throws {
        let token = "s3cr\"t-token-value"
        let body: JSONValue = ["id": 1, "matching": "email", "email": "a@x.io", "note": .string("copy: \(token)")]
        let request = LaunchRequest(name: "w", kind: .trigger, method: LaunchRequest.triggerMethod, body: body)
        let fingerprinter = TokenFingerprinter(key: Data(repeating: 7, count: 32))
        let mask = "<token \(fingerprinter.fingerprint(token))>"
        for auth in AuthPlacement.allCases {
            let environment = Environment(
                name: "prod", baseURL: "https://example.com", token: .stored(token), auth: auth)
            let plan = LaunchPlan.make(
                request: request, body: body, environment: environment, token: token, fingerprinter: fingerprinter,
                runID: 1, requestID: "r-1", by: Operator(user: "u", host: "h"))
            let recorded = plan.attempt.body + plan.attempt.headers.map { "\($0.name): \($0.value)" }.joined()
            #expect(!recorded.contains(token) && !recorded.contains(JSONValue.escaped(token)), "\(auth)")
            #expect(plan.bodyText.utf8Offset(of: JSONValue.escaped(token)) != nil, "the wire has the token")
            #expect(plan.attempt.body == plan.masking(plan.bodyText), "the record is the wire, masked")
            #expect(plan.attempt.body.contains("copy: \(mask)"), "a pasted token is masked too")
            #expect(plan.attempt.body.hasPrefix(auth == .body ? #"{"token":"\#(mask)","id":1"# : #"{"id":1"#))
        }
        // A short token is not searched for in free text, but the place it was put is still masked.
        let short = "tok"
        let plan = LaunchPlan.make(
            request: request, body: ["id": 1, "email": "tok@x.io"],
            environment: Environment(name: "prod", baseURL: "https://example.com", token: .stored(short)),
            token: short, fingerprinter: fingerprinter, runID: 1, requestID: "r-2", by: Operator(user: "u", host: "h"))
        #expect(
            plan.attempt.body == #"{"token":"<token \#(fingerprinter.fingerprint(short))>","id":1,"email":"tok@x.io"}"#)
        #expect(plan.bodyText == #"{"token":"tok","id":1,"email":"tok@x.io"}"#)
    }

    @Test("a token with a quote or a backslash at either end is masked whole where it was put; a resend is the wire")
    func maskingEscapes() throws {
        let fingerprinter = TokenFingerprinter(key: Data(repeating: 7, count: 32))
        let body: JSONValue = ["id": 1, "matching": "email", "email": "a@x.io"]
        let request = LaunchRequest(name: "w", kind: .trigger, method: LaunchRequest.triggerMethod, body: body)
        for token in [#"\abcdefg"#, #"abcdefg\"#, #""abcdefg"#, #"\\abcdef"#, #"abc"def\"#] {
            let environment = Environment(name: "prod", baseURL: "https://example.com", token: .stored(token))
            let plan = LaunchPlan.make(
                request: request, body: body, environment: environment, token: token, fingerprinter: fingerprinter,
                runID: 1, requestID: "r-1", by: Operator(user: "u", host: "h"))
            let mask = "<token \(fingerprinter.fingerprint(token))>"
            #expect(
                plan.attempt.body == #"{"token":"\#(mask)","id":1,"matching":"email","email":"a@x.io"}"#, "\(token)")
            #expect((try? JSONParser.parse(plan.attempt.body)) != nil, "the record is JSON: \(token)")
            let again = LaunchPlan.resending(plan.attempt, token: token, fingerprinter: fingerprinter)
            #expect(again.bodyText == plan.bodyText, "a resend sends the same bytes: \(token)")
        }
    }

    @Test("Request-IDs are lower-case version 7 UUIDs, each new, in the order they were made")
    func requestIDs() {
        let ids = (0..<1_000).map { _ in RequestID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(50) {
            let parts = id.split(separator: "-", omittingEmptySubsequences: false)
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) }, "\(id)")
            #expect(parts[2].first == "7" && "89ab".contains(parts[3].first!), "\(id)")
        }
        let earlier = RequestID.random(at: Date(timeIntervalSince1970: 1_800_000_000))
        let later = RequestID.random(at: Date(timeIntervalSince1970: 1_800_000_000.002))
        #expect(earlier < later, "a later one sorts after")
        #expect(earlier.hasPrefix("01a3185c-5000-7"), "the time in milliseconds first: \(earlier)")
    }
}
