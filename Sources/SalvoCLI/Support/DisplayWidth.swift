/// How many terminal cells text takes: East Asian wide and fullwidth characters and emoji two, combining marks
/// and format characters none, the rest one (Unicode's East Asian Width, its W and F ranges, abridged).
enum DisplayWidth {
    static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    static func of(_ character: Character) -> Int {
        if character.isASCII { return 1 }
        let scalars = character.unicodeScalars
        if scalars.contains(where: { $0.properties.isEmojiPresentation || isWide($0.value) }) { return 2 }
        let zero = scalars.allSatisfy {
            [.nonspacingMark, .enclosingMark, .format].contains($0.properties.generalCategory)
        }
        return zero ? 0 : 1
    }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ value: UInt32) -> Bool { wide.contains { $0.contains(value) } }
}
