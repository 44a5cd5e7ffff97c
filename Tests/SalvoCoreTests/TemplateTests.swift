import Testing

@testable import SalvoCore

@Suite("Templates: {{name}} in string values")
struct TemplateTests {
    @Test("segments split text and variables, white space inside braces allowed")
    func segments() throws {
        #expect(
            try Template.segments(of: "Hi {{ name }}, id {{id}}!")
                == [.text("Hi "), .variable("name"), .text(", id "), .variable("id"), .text("!")])
        #expect(try Template.segments(of: "no variables") == [.text("no variables")])
        #expect(try Template.segments(of: "{{a.b-c_d}}") == [.variable("a.b-c_d")])
    }

    @Test("an unclosed {{ and a bad name are errors that name the place")
    func malformed() {
        #expect(throws: TemplateError.unclosed(path: "email", text: "{{email")) {
            try Template.segments(of: "{{email", at: "email")
        }
        #expect(throws: TemplateError.invalidName(path: "", name: "1x")) { try Template.segments(of: "{{1x}}") }
        #expect(throws: TemplateError.invalidName(path: "", name: "")) { try Template.segments(of: "{{}}") }
        #expect(throws: TemplateError.invalidName(path: "", name: "a b")) { try Template.segments(of: "{{a b}}") }
    }

    @Test("variables are listed once, in order of first use, with paths in errors")
    func variables() throws {
        let body = try JSONParser.parse(#"{"email":"{{email}}","content":{"n":"{{name}} {{email}}"},"a":["{{x}}"]}"#)
        #expect(try Template.variables(in: body) == ["email", "name", "x"])
        let broken = try JSONParser.parse(#"{"content":{"n":"{{name"}}"#)
        #expect(throws: TemplateError.unclosed(path: "content.n", text: "{{name")) {
            try Template.variables(in: broken)
        }
    }

    @Test("render fills every string, keeps values as text, and reports all unresolved names")
    func render() throws {
        let body = try JSONParser.parse(#"{"phone":"{{phone}}","id":"{{crm}}","n":1,"t":"{{a}}-{{b}}"}"#)
        let values = ["phone": "+79161234567", "crm": "12345678901234567890", "a": "007", "b": ""]
        let rendered = try Template.render(body) { values[$0] }
        #expect(rendered.compact == #"{"phone":"+79161234567","id":"12345678901234567890","n":1,"t":"007-"}"#)
        #expect(throws: TemplateError.unresolved(names: ["phone", "a"])) {
            try Template.render(body) { ["crm": "1", "b": "2"][$0] }
        }
        let partial = try Template.renderPartially(body) { ["crm": "1"][$0] }
        #expect(partial.unresolved == ["phone", "a", "b"])
        #expect(partial.value["phone"] == "{{phone}}")
    }

    @Test("random templates (fixed seed, printed): segments or a TemplateError, and rendering agrees with them")
    func randomTemplates() throws {
        let seed: UInt64 = 20_261_130
        var generator = SplitMix64(seed: seed)
        let pieces = [
            "{", "}", "{{", "}}", "a", "b1", "_", ".", "-", " ", "7", "é", "👋", "\\", "\"", "\n", "\u{0}", "x{{y}}z",
        ]
        for round in 0..<5_000 {
            let count = Int(generator.next() % 24)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let segments: [Template.Segment]
            do {
                segments = try Template.segments(of: text)
            } catch {
                #expect(text.contains("{{"), "seed \(seed) round \(round): only a {{ can be malformed: \(text)")
                continue
            }
            if !text.contains("{{") {
                #expect(segments == (text.isEmpty ? [] : [.text(text)]), "seed \(seed) round \(round): \(text)")
            }
            let expected = segments.map { segment -> String in
                switch segment {
                case .text(let part): part
                case .variable(let name):
                    Template.isVariableName(name) ? "<\(name)>" : "invalid"
                }
            }.joined()
            #expect(!expected.contains("invalid"), "seed \(seed) round \(round): a variable with a bad name")
            let body = JSONValue.object([.init("field", .string(text))])
            let rendered = try Template.render(body) { "<\($0)>" }
            #expect(rendered["field"] == .string(expected), "seed \(seed) round \(round): \(text)")
            let names = try Template.variables(in: body)
            #expect(Set(names) == Set(segments.compactMap { if case .variable(let name) = $0 { name } else { nil } }))
            let partial = try Template.renderPartially(body) { _ in nil }
            #expect(partial.unresolved == names, "seed \(seed) round \(round)")
        }
    }
}
