import Foundation
import Testing

@Suite("salvo env: add, list, show, edit, rename, remove, use", .timeLimit(.minutes(5)))
struct EnvironmentCommandTests {
    @Test("add with the token on stdin; list and show mask it; --reveal prints it")
    func addListShow() async throws {
        let work = try Workspace()
        let add = try await work.salvo(
            "env", "add", "prod", "--base-url", "https://Example.com/alt/", "--token-stdin", "--var", "brand=Acme",
            "--guard", "12h", stdin: "tok-123456\n")
        #expect(add.status == 0)
        #expect(add.stdout.isEmpty)
        #expect(add.stderr == "added environment 'prod' (https://example.com/alt); it is the default environment\n")

        let list = try await work.salvo("env", "list")
        #expect(list.status == 0)
        #expect(list.stdout.lines.count == 2)
        #expect(list.stdout.contains("* prod https://example.com/alt body fp:"))
        #expect(!list.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")

        let json = try await work.salvo("env", "list", "--json")
        let environments = try #require(try json.stdout.json() as? [[String: Any]])
        #expect(environments.count == 1)
        #expect(environments[0]["name"] as? String == "prod")
        #expect(environments[0]["base_url"] as? String == "https://example.com/alt")
        #expect(environments[0]["auth"] as? String == "body")
        #expect(environments[0]["guard"] as? String == "12h")
        #expect(environments[0]["default"] as? Bool == true)
        #expect(environments[0]["variables"] as? [String: String] == ["brand": "Acme"])
        #expect(environments[0]["token_source"] as? String == "stored")
        #expect((environments[0]["token"] as? String)?.hasPrefix("fp:") == true)
        #expect(
            Set(environments[0].keys) == [
                "name", "base_url", "token", "token_source", "auth", "variables", "guard", "guard_rule", "insecure",
                "trailing_slash", "default",
            ])

        let show = try await work.salvo("env", "show", "prod")
        #expect(show.stdout.contains("token    fp:"))
        #expect(show.stdout.contains("var      brand=Acme"))
        #expect(!show.stdout.contains("tok-123456"))
        let reveal = try await work.salvo("env", "show", "prod", "--reveal")
        #expect(reveal.stdout.contains("token    tok-123456\n"))
        let revealJSON = try #require(
            try await work.salvo("env", "show", "prod", "--reveal", "--json").stdout.json() as? [String: Any])
        #expect(revealJSON["token"] as? String == "tok-123456")
    }

    @Test("--token warns about shell history; --token-env stores only the variable's name")
    func tokenSources() async throws {
        let work = try Workspace()
        let direct = try await work.salvo("env", "add", "a", "--base-url", "http://127.0.0.1:1", "--token", "abc")
        #expect(direct.status == 0)
        #expect(direct.stderr.contains("warning: --token puts the token in your shell history"))
        let fromEnv = try await work.salvo(
            "env", "add", "b", "--base-url", "http://127.0.0.1:1", "--token-env", "B_TOKEN")
        #expect(fromEnv.status == 0)
        #expect(fromEnv.stderr.contains("warning: $B_TOKEN is not set now"))
        let show = try await work.salvo("env", "show", "b", env: ["B_TOKEN": "from-env-xyz"])
        #expect(show.stdout.contains("token    $B_TOKEN (set)"))
        let reveal = try await work.salvo("env", "show", "b", "--reveal", env: ["B_TOKEN": "from-env-xyz"])
        #expect(reveal.stdout.contains("token    from-env-xyz"))
        #expect(try !work.dump().contains("from-env-xyz"))
        #expect(try work.dump().contains("'B_TOKEN'"))
    }

    @Test("edit changes only what is asked; an edit that changes nothing says so")
    func edit() async throws {
        let work = try Workspace()
        try await work.seed()
        let edit = try await work.salvo(
            "env", "edit", "prod", "--auth", "bearer", "--var", "a=1", "--var", "b=2", "--guard", "0")
        #expect(edit.status == 0, "\(edit)")
        #expect(edit.stderr == "updated environment 'prod'\n")
        let unset = try await work.salvo("env", "edit", "prod", "--unset-var", "a")
        #expect(unset.status == 0)
        let shown = try #require(try await work.salvo("env", "show", "prod", "--json").stdout.json() as? [String: Any])
        #expect(shown["auth"] as? String == "bearer")
        #expect(shown["guard"] as? String == "0")
        #expect(shown["variables"] as? [String: String] == ["b": "2"])
        #expect(shown["base_url"] as? String == "https://example.com")
        let again = try await work.salvo("env", "edit", "prod", "--auth", "bearer")
        #expect(again.status == 0)
        #expect(again.stderr == "environment 'prod' unchanged\n")
        let token = try await work.salvo("env", "edit", "prod", "--token-stdin", stdin: "rotated-token\n")
        #expect(token.status == 0)
        #expect(try await work.salvo("env", "show", "prod", "--reveal").stdout.contains("rotated-token"))
    }

    @Test("rename carries requests along; use switches the default; remove is refused while in use")
    func renameUseRemove() async throws {
        let work = try Workspace()
        try await work.seed()
        #expect(
            try await work.salvo("env", "add", "staging", "--base-url", "https://s.example.com", "--token", "t").status
                == 0)
        #expect(try await work.salvo("env", "use", "staging").status == 0)
        #expect(try await work.salvo("env", "list").stdout.contains("* staging"))
        let rename = try await work.salvo("env", "rename", "prod", "production")
        #expect(rename.status == 0)
        let request = try #require(
            try await work.salvo("request", "show", "welcome", "--json").stdout.json() as? [String: Any])
        #expect(request["environment"] as? String == "production")

        let refused = try await work.salvo("env", "remove", "production")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("environment 'production' is the default of 1 request(s) (welcome)"))
        let forced = try await work.salvo("env", "remove", "production", "--force")
        #expect(forced.status == 0)
        #expect(forced.stderr.contains("cleared the default environment of 1 request(s): welcome"))
        #expect(try await work.salvo("env", "list", "--json").stdout.contains("production") == false)
        let after = try #require(
            try await work.salvo("request", "show", "welcome", "--json").stdout.json() as? [String: Any])
        #expect(after["environment"] is NSNull)
    }

    @Test("an empty store lists nothing on stdout and a hint on stderr")
    func emptyList() async throws {
        let work = try Workspace()
        try await work.addEnvironment("gone", url: "https://example.com")
        #expect(try await work.salvo("env", "remove", "gone").status == 0)
        let list = try await work.salvo("env", "list")
        #expect(list.status == 0)
        #expect(list.stdout.isEmpty)
        #expect(list.stderr.contains("salvo env add"))
        #expect(try await work.salvo("env", "list", "--json").stdout == "[]\n")
    }

    @Test("a leading --store works like a trailing one")
    func leadingStore() async throws {
        let work = try Workspace()
        let other = work.folder + "/other.db"
        let add = try await work.run([
            "--store", other, "env", "add", "x", "--base-url", "https://e.com", "--token", "t",
        ])
        #expect(add.status == 0, "\(add)")
        #expect(try await work.run(["env", "list", "--store", other]).stdout.contains("x"))
        #expect(try await work.run(["--store=\(other)", "env", "list"]).stdout.contains("x"))
        #expect(try await work.salvo("env", "list").stdout.isEmpty)
    }
}
