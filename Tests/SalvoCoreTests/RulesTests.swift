import Testing

@testable import SalvoCore

@Suite("Names, base URLs and guard windows")
struct RulesTests {
    @Test("valid names", arguments: ["prod", "a", "welcome-v2", "Onboarding.1", "приветствие", "7day", "x_y"])
    func validName(name: String) throws {
        try Name.validate(name, as: "request name")
    }

    @Test(
        "invalid names say why",
        arguments: [
            ("", "request name is empty"),
            ("has space", "request name 'has space' contains a space; use letters, digits, '.', '_' and '-'"),
            ("a/b", "request name 'a/b' contains a slash; use letters, digits, '.', '_' and '-'"),
            (
                "tab\there",
                "request name 'tab?here' contains a control character (U+9); use letters, digits, '.', '_' and '-'"
            ),
            ("-x", "request name '-x' must start with a letter or a digit"),
            ("quote\"", "request name 'quote\"' contains '\"'; use letters, digits, '.', '_' and '-'"),
            (String(repeating: "a", count: 65), "request name 'aaaaaaaaaaaaaaaaaaaa...' is longer than 64 characters"),
        ])
    func invalidName(name: String, message: String) {
        #expect(throws: InputError(message)) { try Name.validate(name, as: "request name") }
    }

    @Test("folders are names joined by slashes")
    func folders() throws {
        try Name.validateFolder("")
        try Name.validateFolder("onboarding/welcome")
        #expect(throws: InputError.self) { try Name.validateFolder("/onboarding") }
        #expect(throws: InputError.self) { try Name.validateFolder("a//b") }
        #expect(throws: InputError.self) { try Name.validateFolder("a/b c") }
    }

    @Test(
        "base URLs are normalized, path prefix kept",
        arguments: [
            ("https://Example.COM", "https://example.com"),
            ("https://example.com/", "https://example.com"),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
            ("HTTPS://example.com/altcraft/", "https://example.com/altcraft"),
        ])
    func baseURL(text: String, normalized: String) throws {
        #expect(try BaseURL.normalize(text) == normalized)
    }

    @Test(
        "bad base URLs are refused",
        arguments: [
            "", "example.com", "/relative/path", "ftp://example.com", "https://", "https://user:pw@example.com",
            "https://example.com/?token=x", "https://exa mple.com", "mailto:a@example.com",
        ])
    func badBaseURL(text: String) {
        #expect(throws: InputError.self) { try BaseURL.normalize(text) }
    }

    @Test(
        "guard windows parse and print back",
        arguments: [
            ("0", 0, "0"), ("24h", 86_400, "1d"), ("90s", 90, "1m30s"), ("1h30m", 5_400, "1h30m"),
            ("7d", 604_800, "7d"),
        ])
    func guardWindow(text: String, seconds: Int, printed: String) throws {
        #expect(try GuardWindow.parse(text) == seconds)
        #expect(GuardWindow.format(seconds) == printed)
    }

    @Test("bad guard windows are refused", arguments: ["", "h", "10", "1x", "-1h", "1h 30m", "99999999d"])
    func badGuardWindow(text: String) {
        #expect(throws: InputError.self) { try GuardWindow.parse(text) }
    }

    @Test("environments check their token source and variables")
    func environment() throws {
        try Environment(name: "prod", baseURL: "https://example.com", token: .stored("t")).validate()
        try Environment(name: "prod", baseURL: "https://example.com", token: .variable("ALTCRAFT_TOKEN")).validate()
        #expect(throws: InputError.self) {
            try Environment(name: "prod", baseURL: "https://example.com", token: .stored("")).validate()
        }
        #expect(throws: InputError.self) {
            try Environment(name: "prod", baseURL: "https://example.com", token: .variable("1BAD")).validate()
        }
        #expect(throws: InputError.self) {
            try Environment(name: "p", baseURL: "https://e.com", token: .stored("t"), variables: ["a b": "x"])
                .validate()
        }
    }
}
