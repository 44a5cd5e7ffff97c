import Foundation
import Testing

@testable import SalvoCore

@Suite("Trigger launches: built from flags, checked like the platform")
struct TriggerBodyTests {
    private func body(_ configure: (inout TriggerBody.Changes) -> Void) throws -> JSONValue {
        var changes = TriggerBody.Changes()
        configure(&changes)
        return try TriggerBody.applying(changes, to: .object([]))
    }

    @Test("each recipient form builds the user guide's body")
    func recipientForms() throws {
        let cases: [(Recipient, String)] = [
            (.email("zaycev@example.com"), #"{"id":1,"matching":"email","email":"zaycev@example.com"}"#),
            (.phone("+79000000000"), #"{"id":1,"matching":"phone","phone":"+79000000000"}"#),
            (
                .profileID("012452gf62fcd71fjh8ec0"),
                #"{"id":1,"matching":"profile_id","profile_id":"012452gf62fcd71fjh8ec0"}"#
            ),
            (
                .field(name: "vk_id", value: "007"),
                #"{"id":1,"matching":"custom","field_name":"vk_id","field_value":"007"}"#
            ),
            (.query(["email": ["$in": ["a@x.io"]]]), #"{"id":1,"custom_request":{"email":{"$in":["a@x.io"]}}}"#),
        ]
        for (recipient, expected) in cases {
            let built = try body {
                $0.trigger = "1"
                $0.recipient = recipient
            }
            #expect(built.compact == expected)
            try TriggerBody.validate(built)
        }
    }

    @Test("optional fields follow the recipient; content values merge into content")
    func optionalFields() throws {
        let built = try body {
            $0.trigger = "5"
            $0.recipient = .email("a@example.com")
            $0.resourceID = "3"
            $0.subscriptionFilter = ["email": "a@example.com", "not_strict": true]
            $0.contentObject = ["a": "1"]
            $0.contentValues = [(key: "name", value: "{{name}}")]
            $0.customData = ["k": "v"]
            $0.attachments = [Attachment.json(name: "a.txt", contents: Data("hi".utf8))]
        }
        #expect(
            built.compact
                == #"{"id":5,"matching":"email","email":"a@example.com","resource_id":3,"#
                + #""subscription_filter":{"email":"a@example.com","not_strict":true},"content":{"a":"1","name":"{{name}}"},"#
                + #""custom_data":{"k":"v"},"attach":[{"name":"a.txt","data":"data:text/plain;base64,aGk="}]}"#)
        try TriggerBody.validate(built)
    }

    @Test("a new recipient replaces the old one where it stood")
    func replaceRecipient() throws {
        let original = try JSONParser.parse(#"{"id":1,"matching":"email","email":"a@x.io","content":{"a":"b"}}"#)
        var changes = TriggerBody.Changes()
        changes.recipient = .phone("+7900")
        let edited = try TriggerBody.applying(changes, to: original)
        #expect(edited.compact == #"{"id":1,"matching":"phone","phone":"+7900","content":{"a":"b"}}"#)
    }

    @Test(
        "trigger ids: positive integers or a variable",
        arguments: [
            ("1", JSONValue.number("1")), ("007", .number("7")), ("{{trigger}}", .string("{{trigger}}")),
        ])
    func triggerID(text: String, value: JSONValue) throws {
        #expect(try TriggerBody.triggerID(text) == value)
    }

    @Test("bad trigger ids are refused", arguments: ["", "0", "-1", "1.5", "abc", "99999999999999999999", "{{a}}x"])
    func badTriggerID(text: String) {
        #expect(throws: InputError.self) { try TriggerBody.triggerID(text) }
    }

    @Test(
        "invalid bodies name the field at fault",
        arguments: [
            (#"{"matching":"email","email":"a@x.io"}"#, "needs --trigger"),
            (#"{"id":1}"#, "choose a recipient"),
            (#"{"id":1,"email":"a@x.io","phone":"+7"}"#, "2 recipient forms (email, phone)"),
            (
                #"{"id":1,"matching":"phone","email":"a@x.io"}"#,
                #""matching" is "phone" but the recipient is given by email"#
            ),
            (#"{"id":1,"phone":"+7"}"#, #""matching" is missing; set "matching": "phone""#),
            (#"{"id":"x","email":"a@x.io"}"#, #""id" must be a positive integer"#),
            (#"{"id":-3,"email":"a@x.io"}"#, #""id" must be a positive integer"#),
            (#"{"id":99999999999999999999999,"email":"a@x.io"}"#, #""id" must be a positive integer (at most"#),
            (#"{"id":"99999999999999999999999","email":"a@x.io"}"#, #""id" must be a positive integer (at most"#),
            (#"{"id":1.5,"email":"a@x.io"}"#, #""id" must be a positive integer"#),
            (#"{"id":1,"email":""}"#, #""email" must be a non-empty string"#),
            (#"{"id":1,"matching":"custom","field_name":"x"}"#, #""field_value" is missing"#),
            (#"{"id":1,"custom_request":[]}"#, #""custom_request" must be a JSON object"#),
            (#"{"id":1,"matching":"email","custom_request":{}}"#, "does not go with"),
            (#"{"id":1,"email":"a@x.io","content":"x"}"#, #""content" must be a JSON object"#),
            (#"{"id":1,"email":"a@x.io","attach":[{"name":"a"}]}"#, #""attach"[0] must be an object"#),
            (#"{"id":1,"email":"a@x.io","resource_id":"r"}"#, #""resource_id" must be a positive integer"#),
        ])
    func invalid(json: String, fragment: String) throws {
        let value = try JSONParser.parse(json)
        do {
            try TriggerBody.validate(value)
            Issue.record("expected \(json) to be refused")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test("requests refuse a token in the body and a malformed template")
    func requestRules() throws {
        let withToken = LaunchRequest(
            name: "x", kind: .method, method: "profiles/import", body: ["token": "abc", "data": [:]])
        #expect(throws: InputError.self) { try withToken.validate() }
        let unclosed = LaunchRequest(
            name: "x", kind: .trigger, method: LaunchRequest.triggerMethod, body: ["id": 1, "email": "{{email"])
        #expect(throws: InputError.self) { try unclosed.validate() }
        let badMethod = LaunchRequest(name: "x", kind: .method, method: "../etc", body: [:])
        #expect(throws: InputError.self) { try badMethod.validate() }
    }
}

@Suite("Launch building: templates filled, token placed")
struct LaunchBuilderTests {
    let environment = Environment(name: "prod", baseURL: "https://example.com/alt", token: .stored("tok"))

    @Test("the token goes first in the body, or in a Bearer header")
    func tokenPlacement() throws {
        let request = LaunchRequest(
            name: "w", kind: .trigger, method: LaunchRequest.triggerMethod,
            body: ["id": 1, "matching": "email", "email": "a@x.io"])
        let inBody = LaunchBuilder.prepare(
            body: request.body, method: request.method, environment: environment, token: "tok")
        #expect(inBody.url == "https://example.com/alt/api/v1.1/campaigns/triggers/start")
        #expect(inBody.body.compact == #"{"token":"tok","id":1,"matching":"email","email":"a@x.io"}"#)
        #expect(!inBody.headers.contains { $0.name == "Authorization" })
        var bearer = environment
        bearer.auth = .bearer
        let inHeader = LaunchBuilder.prepare(
            body: request.body, method: request.method, environment: bearer, token: "tok")
        #expect(inHeader.body == request.body)
        #expect(inHeader.headers.contains(.init(name: "Authorization", value: "Bearer tok")))
    }

    @Test("a variable in an integer field becomes a number, or a clear error")
    func integerFields() throws {
        let request = LaunchRequest(
            name: "w", kind: .trigger, method: LaunchRequest.triggerMethod,
            body: ["id": "{{trigger}}", "matching": "phone", "phone": "{{phone}}"])
        let rendered = try LaunchBuilder.render(request, variables: ["trigger": "007", "phone": "+7007"])
        #expect(rendered.body.compact == #"{"id":7,"matching":"phone","phone":"+7007"}"#)
        #expect(throws: InputError.self) {
            try LaunchBuilder.render(request, variables: ["trigger": "seven", "phone": "+7"])
        }
        #expect(throws: InputError.self) { try LaunchBuilder.render(request, variables: ["trigger": "1"]) }
    }

    @Test("the token mask is a fingerprint under the store's key, never the token")
    func mask() {
        let one = TokenFingerprinter(key: Data(repeating: 1, count: 32))
        let two = TokenFingerprinter(key: Data(repeating: 2, count: 32))
        let mask = LaunchBuilder.tokenMask(.stored("secret"), fingerprinter: one)
        #expect(mask.hasPrefix("<token fp:") && !mask.contains("secret"))
        #expect(one.fingerprint("secret") != two.fingerprint("secret"))
        #expect(one.fingerprint("secret") == one.fingerprint("secret"))
        #expect(LaunchBuilder.tokenMask(.variable("TOK"), fingerprinter: one) == "<token from $TOK>")
    }
}
