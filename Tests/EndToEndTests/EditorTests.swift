import Foundation
import Testing

@Suite("salvo request edit in $EDITOR", .timeLimit(.minutes(5)))
struct EditorTests {
    /// An editor that applies `sed` expressions to the file, one set per call (a counter file tracks calls).
    private func editor(_ work: Workspace, _ steps: [String]) throws -> String {
        var cases = ""
        for (index, step) in steps.enumerated() { cases += "  \(index + 1)) \(step) ;;\n" }
        return try work.script(
            "editor.sh",
            """
            count=$(cat "\(work.folder)/calls" 2>/dev/null || echo 0)
            count=$((count + 1))
            echo $count > "\(work.folder)/calls"
            cp "$1" "\(work.folder)/seen-$count"
            case $count in
            \(cases)  *) exit 0 ;;
            esac
            """)
    }

    @Test("a valid edit is saved and audited")
    func validEdit() async throws {
        let work = try Workspace()
        try await work.seed()
        let editor = try editor(
            work, [#"sed -i 's/zaycev@example.com/new@example.com/; s/"onboarding"/"moved"/' "$1""#])
        let edit = try await work.salvo("request", "edit", "welcome", env: ["EDITOR": editor])
        #expect(edit.status == 0, "\(edit)")
        #expect(edit.stderr == "updated request 'welcome'\n")
        let shown = try #require(
            try await work.salvo("request", "show", "welcome", "--json").stdout.json() as? [String: Any])
        #expect((shown["body"] as? [String: Any])?["email"] as? String == "new@example.com")
        #expect(shown["folder"] as? String == "moved")
        let log = try await work.salvo("audit", "log").stdout
        #expect(
            log.contains(
                "edit   request     welcome folder: onboarding -> moved; "
                    + "body.email: zaycev@example.com -> new@example.com"), "\(log)")
    }

    @Test("an invalid document re-opens with the error on top, then saves once fixed")
    func invalidThenFixed() async throws {
        let work = try Workspace()
        try await work.seed()
        let editor = try editor(
            work,
            [
                #"sed -i 's/"id": 1/"id": "one"/' "$1""#,
                #"sed -i 's/"id": "one"/"id": 2/' "$1""#,
            ])
        let edit = try await work.salvo("request", "edit", "welcome", env: ["EDITOR": editor])
        #expect(edit.status == 0, "\(edit)")
        let second = try String(contentsOfFile: work.folder + "/seen-2", encoding: .utf8)
        #expect(
            second.hasPrefix(
                "# error: \"id\" must be a positive integer (at most 9223372036854775807) or a {{variable}}, not \"one\"\n"
            ))
        #expect(second.contains(#""id": "one""#), "the user's text is kept, not reset")
        let shown = try await work.salvo("request", "show", "welcome", "--json")
        #expect(shown.stdout.contains(#""id": 2"#))
    }

    @Test("invalid JSON saved again unfixed: exit 2, nothing changed")
    func invalidUnfixed() async throws {
        let work = try Workspace()
        try await work.seed()
        let before = try work.dump()
        let editor = try editor(work, [#"sed -i 's/"body": {/"body": {,/' "$1""#, "true"])
        let edit = try await work.salvo("request", "edit", "welcome", env: ["EDITOR": editor])
        #expect(edit.status == 2, "\(edit)")
        #expect(edit.stderr.contains("error: the request is not valid JSON: expected a quoted key"))
        #expect(try work.dump() == before)
    }

    @Test("an editor that exits non-zero, or saves nothing new, changes nothing")
    func cancelled() async throws {
        let work = try Workspace()
        try await work.seed()
        let before = try work.dump()
        let failing = try work.script("fail.sh", #"sed -i 's/zaycev/someone/' "$1"; exit 1"#)
        let failed = try await work.salvo("request", "edit", "welcome", env: ["EDITOR": failing])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("the editor exited with status 1; request 'welcome' is unchanged"))
        let unchanged = try await work.salvo("request", "edit", "welcome", env: ["EDITOR": "true"])
        #expect(unchanged.status == 0)
        #expect(unchanged.stderr == "request 'welcome' unchanged\n")
        #expect(try work.dump() == before)
    }
}
