import Foundation
import Testing

/// One invalid command: what to run, the exit code, and a fragment its error must contain.
struct BadInput: CustomTestStringConvertible, Sendable {
    let arguments: [String]
    let status: Int32
    let message: String
    var stdin: String? = nil

    var testDescription: String { arguments.joined(separator: " ") }
}

@Suite("Bad input: the documented exit code, a clear message, the store unchanged", .timeLimit(.minutes(5)))
struct BadInputTests {
    static let cases: [BadInput] = [
        BadInput(
            arguments: ["env", "show", "nope"], status: 2, message: "environment 'nope' not found; `salvo env list`"),
        BadInput(arguments: ["request", "show", "nope"], status: 2, message: "request 'nope' not found"),
        BadInput(
            arguments: ["env", "add", "prod", "--base-url", "https://e.com", "--token", "t"], status: 2,
            message: "environment 'prod' already exists"),
        BadInput(
            arguments: ["request", "add", "welcome", "--trigger", "1", "--email", "a@x.io"], status: 2,
            message: "request 'welcome' already exists"),
        BadInput(
            arguments: ["env", "add", "has space", "--base-url", "https://e.com", "--token", "t"], status: 2,
            message: "contains a space"),
        BadInput(
            arguments: ["env", "add", "a/b", "--base-url", "https://e.com", "--token", "t"], status: 2,
            message: "contains a slash"),
        BadInput(
            arguments: ["request", "add", "bell\u{07}", "--trigger", "1", "--email", "a@x.io"], status: 2,
            message: "contains a control character"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "example.com", "--token", "t"], status: 2,
            message: "is not an absolute URL"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "ftp://example.com", "--token", "t"], status: 2,
            message: "only http and https"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "https://e.com"], status: 2,
            message: "give the token with --token-stdin"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "https://e.com", "--token-stdin"], status: 2,
            message: "no token on standard input", stdin: " \n"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "https://e.com", "--token", "t", "--auth", "query"], status: 2,
            message: "--auth 'query' is not one of"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "https://e.com", "--token", "t", "--guard", "soon"], status: 2,
            message: "is not a duration"),
        BadInput(
            arguments: ["env", "add", "x", "--base-url", "https://e.com", "--token", "t", "--var", "novalue"],
            status: 2, message: "needs the form KEY=VALUE"),
        BadInput(arguments: ["env", "edit", "prod"], status: 2, message: "nothing to change"),
        BadInput(
            arguments: ["env", "edit", "prod", "--unset-var", "ghost"], status: 2, message: "has no such variable"),
        BadInput(arguments: ["env", "remove", "prod"], status: 2, message: "is the default of 1 request(s)"),
        BadInput(arguments: ["env", "rename", "prod", "bad name"], status: 2, message: "contains a space"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "abc", "--email", "a@x.io"], status: 2,
            message: "--trigger 'abc' is not a positive integer"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger=-1", "--email", "a@x.io"], status: 2,
            message: "--trigger '-1' is not a positive integer"),
        BadInput(arguments: ["request", "add", "r", "--email", "a@x.io"], status: 2, message: "needs --trigger ID"),
        BadInput(arguments: ["request", "add", "r", "--trigger", "1"], status: 2, message: "choose a recipient"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--phone", "+7"], status: 2,
            message: "--email and --phone cannot go together"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--field", "CRM_ID"], status: 2,
            message: "--field 'CRM_ID' needs the form NAME=VALUE"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--query", "{bad"], status: 2,
            message: "--query is not valid JSON: expected a quoted key at line 1, column 2"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--content-json", "[1"],
            status: 2, message: "--content-json is not valid JSON"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--custom-data", "[]"], status: 2,
            message: "--custom-data must be a JSON object, not an array"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--subscription-filter", "1"],
            status: 2, message: "--subscription-filter must be a JSON object"),
        BadInput(
            arguments: ["request", "add", "r", "--method", "profiles/import", "--body", "{\"data\":"], status: 2,
            message: "--body is not valid JSON: unexpected end of input"),
        BadInput(
            arguments: ["request", "add", "r", "--method", "profiles/import", "--body-file", "/nonexistent/body.json"],
            status: 2, message: "--body-file /nonexistent/body.json: no such file"),
        BadInput(
            arguments: ["request", "add", "r", "--method", "profiles/import", "--body", "{\"token\":\"x\"}"], status: 2,
            message: "must not hold \"token\""),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "{{email"], status: 2,
            message: "'{{' is not closed"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--env", "ghost"], status: 2,
            message: "environment 'ghost' not found"),
        BadInput(
            arguments: ["request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--folder", "/top"], status: 2,
            message: "has an empty part"),
        BadInput(
            arguments: [
                "request", "add", "r", "--trigger", "1", "--email", "a@x.io", "--attach", "/nonexistent/a.pdf",
            ], status: 2, message: "--attach /nonexistent/a.pdf: no such file"),
        BadInput(arguments: ["request", "edit", "welcome", "--untag", "ghost"], status: 2, message: "has no such tag"),
        BadInput(
            arguments: ["request", "edit", "welcome", "--env", "prod", "--no-env"], status: 2,
            message: "cannot go together"),
        BadInput(arguments: ["request", "rename", "welcome", "welcome"], status: 2, message: "already exists"),
        BadInput(arguments: ["request", "copy", "ghost", "x"], status: 2, message: "request 'ghost' not found"),
        BadInput(arguments: ["audit", "log", "--since", "yesterday"], status: 2, message: "'yesterday' is not a time"),
        BadInput(arguments: ["request", "list", "--folder", "a//b"], status: 2, message: "has an empty part"),
        BadInput(arguments: ["env", "lst"], status: 2, message: "Unexpected argument 'lst'"),
        BadInput(arguments: ["request", "add"], status: 2, message: "Missing expected argument '<name>'"),
    ]

    @Test("each bad input is refused and the store is left as it was", arguments: cases)
    func refused(_ input: BadInput) async throws {
        let work = try Workspace()
        try await work.seed()
        let before = try work.dump()
        let outcome = try await work.run(input.arguments, stdin: input.stdin)
        #expect(outcome.status == input.status, "\(outcome)")
        let errors = outcome.stderr.lines.filter { $0.lowercased().hasPrefix("error: ") }
        #expect(errors.count == 1, "\(outcome)")
        #expect(errors.first?.contains(input.message) == true, "\(outcome)")
        #expect(outcome.stdout.isEmpty)
        #expect(try work.dump() == before)
    }

    @Test("--token-env naming an unset variable is a warning at add time, not an error")
    func unsetTokenVariable() async throws {
        let work = try Workspace()
        let add = try await work.salvo(
            "env", "add", "x", "--base-url", "https://e.com", "--token-env", "NOT_SET_ANYWHERE")
        #expect(add.status == 0)
        #expect(add.stderr.contains("warning: $NOT_SET_ANYWHERE is not set now; salvo reads it when it sends"))
    }
}
