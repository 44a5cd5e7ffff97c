import Foundation
import Testing

@testable import SalvoCore

@Suite("JSON: key order and number text survive a round trip")
struct JSONTests {
    @Test("compact output is the input without white space, keys and numbers as written")
    func roundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null],"id":12345678901234567890,"price":1.50,"e":-2E+3,"s":"007"}"#
        #expect(try JSONParser.parse(text).compact == text)
    }

    @Test("pretty output parses back to the same value")
    func pretty() throws {
        let value = try JSONParser.parse(#"{"b":{"c":[1,{"d":"e"}],"f":{}},"a":[]}"#)
        #expect(try JSONParser.parse(value.pretty) == value)
        #expect(value.pretty.contains("\n  \"b\": {\n    \"c\": ["))
    }

    @Test("canonical form sorts keys at every level")
    func canonical() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":{"y":2,"x":3}}"#)
        #expect(value.canonical == #"{"a":{"x":3,"y":2},"b":1}"#)
    }

    @Test("strings: escapes decode and encode, unicode passes through")
    func strings() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/d\n\t\u0041\u00e9\ud83d\ude00", "привет +7"]"#)
        #expect(value == .array([.string("a\"b\\c/d\n\tAé😀"), .string("привет +7")]))
        #expect(value.compact == #"["a\"b\\c/d\n\tAé😀","привет +7"]"#)
        #expect(JSONValue.string("\u{01}\u{2028}").compact == #""\u0001\u2028""#)
    }

    @Test(
        "invalid documents are refused with the place of the mistake",
        arguments: [
            ("{\"a\":1,}", "expected a quoted key at line 1, column 8"),
            ("{\"a\" 1}", "expected ':' after key \"a\" at line 1, column 6"),
            ("[1,2", "expected ',' or ']' in array at line 1, column 5"),
            ("{\"a\":1}\n x", "unexpected text after the JSON value at line 2, column 2"),
            ("{\"a\":1,\"a\":2}", "duplicate key \"a\" at line 1, column 8"),
            ("01", "unexpected text after the JSON value at line 1, column 2"),
            ("1.", "invalid number: digits expected after '.' at line 1, column 3"),
            ("\"abc", "unterminated string at line 1, column 5"),
            ("\"a\u{01}\"", "control character 0x1 inside a string (escape it) at line 1, column 3"),
            ("\"\\ud800\"", "unpaired surrogate \\ud800 at line 1, column 8"),
            ("tru", "unexpected character 't' at line 1, column 1"),
            ("", "unexpected end of input at line 1, column 1"),
        ])
    func invalid(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("nesting deeper than the limit is refused, not a stack overflow")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let fine =
            String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(try JSONParser.parse(fine).compact == fine)
    }

    @Test("setting replaces in place or appends; removing drops keys")
    func editing() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":2}"#)
        #expect(value.setting("a", to: 3).compact == #"{"a":3,"b":2}"#)
        #expect(value.setting("c", to: "x").compact == #"{"a":1,"b":2,"c":"x"}"#)
        #expect(value.removing(["a"]).compact == #"{"b":2}"#)
    }
}

@Suite("Fixed-point numbers")
struct FixedPointTests {
    @Test("three decimals, rounded, like String(format: \"%.3f\")")
    func three() {
        for value in [0, 0.0004, 0.0005, 1, 12.3456, 999.9996, 1234567.891, -2.5, -0.0001] {
            #expect(FixedPoint.three(value) == String(format: "%.3f", value) || (value == -0.0001), "\(value)")
        }
        #expect(FixedPoint.three(-0.0001) == "0.000")
        #expect(FixedPoint.three(.nan) == "0.000" && FixedPoint.three(.infinity) == "0.000")
    }
}

@Suite("JSON serialization escapes exactly as before")
struct JSONEscapeTests {
    /// The escaping rule, scalar by scalar, as the first serializer wrote it: the ledger's hashes depend on it.
    static func reference(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    @Test("every control character, quotes, backslashes, U+2028/9, DEL, Cyrillic and emoji; random strings")
    func escapes() {
        let special =
            String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
            + "\"\\\u{7F}\u{2028}\u{2029}\u{2027}\u{202A}Привет 👋 é\u{E2}"
        #expect(JSONValue.string(special).compact == Self.reference(special))
        var generator = SplitMix64(seed: 2026)
        let alphabet = Array(special.unicodeScalars) + Array("abc 123".unicodeScalars)
        for _ in 0..<2_000 {
            let text = String(
                String.UnicodeScalarView(
                    (0..<Int(generator.next() % 30)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    }))
            #expect(JSONValue.string(text).compact == Self.reference(text), "\(Array(text.unicodeScalars))")
        }
        let nested: JSONValue = ["a": [1, "x\n", ["b": nil]], "": true]
        #expect(nested.compact == #"{"a":[1,"x\n",{"b":null}],"":true}"#)
        #expect(
            nested.pretty
                == "{\n  \"a\": [\n    1,\n    \"x\\n\",\n    {\n      \"b\": null\n    }\n  ],\n  \"\": true\n}")
    }
}
