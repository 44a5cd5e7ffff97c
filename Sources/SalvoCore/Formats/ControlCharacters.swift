/// Characters in data that must never reach a reader's screen as they are: C0 and C1 controls, DEL, and
/// Unicode's bidirectional controls (which make text read in another order than it is written). Tables,
/// JUnit and HTML show them escaped, the same way.
public enum ControlCharacters {
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    /// How one is shown: `\e` for ESC, `\t`, `\n`, `\r`, else `\u{XX}`.
    public static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\u{1B}": "\\e"
        case "\t": "\\t"
        case "\n": "\\n"
        case "\r": "\\r"
        default: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        }
    }
}
