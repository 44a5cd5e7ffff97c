/// Search and replacement of text over its UTF-8 bytes, for every launch's hot path (masking the token, making
/// masks alike, framing the URL): the standard library's `replacing(_:with:)` and `firstRange(of:)` compare
/// Characters and build a search table on each call, which cost more than the rest of a launch together.
/// Matching bytes is also the stricter rule for a secret: a token is found wherever its bytes are, even where it
/// starts inside a grapheme cluster.
extension String {
    /// The byte offsets (into `utf8`) of every occurrence of `needle`, left to right, not overlapping.
    func utf8Ranges(of needle: String) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var text = self
        var needle = needle
        text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                var position = 0
                while let found = Self.firstOffset(of: pattern, in: haystack, from: position) {
                    ranges.append(found..<found + pattern.count)
                    position = found + pattern.count
                }
            }
        }
        return ranges
    }

    /// The byte offset of the first occurrence of `needle` at or after `start`, or nil.
    func utf8Offset(of needle: String, from start: Int = 0) -> Int? {
        var text = self
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { pattern in Self.firstOffset(of: pattern, in: haystack, from: start) }
        }
    }

    /// This text with every occurrence of `needle` (byte for byte) replaced by `replacement`; the text itself,
    /// unchanged and not copied, when there is none.
    func replacingBytes(of needle: String, with replacement: String) -> String {
        let ranges = utf8Ranges(of: needle)
        guard !ranges.isEmpty else { return self }
        return replacingBytes(in: ranges, with: replacement)
    }

    /// This text with each of `ranges` (byte offsets, ascending, not overlapping) replaced by `replacement`.
    func replacingBytes(in ranges: [Range<Int>], with replacement: String) -> String {
        var text = self
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + ranges.count * replacement.utf8.count)
            var copied = 0
            for range in ranges {
                output.append(contentsOf: bytes[copied..<range.lowerBound])
                output.append(contentsOf: replacement.utf8)
                copied = range.upperBound
            }
            output.append(contentsOf: bytes[copied...])
            return String(decoding: output, as: UTF8.self)
        }
    }

    private static func firstOffset(
        of pattern: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> Int? {
        guard let first = pattern.first, pattern.count <= haystack.count else { return nil }
        let last = haystack.count - pattern.count
        var position = start
        while position <= last {
            guard let candidate = haystack[position...last].firstIndex(of: first) else { return nil }
            var matched = 1
            while matched < pattern.count, haystack[candidate + matched] == pattern[matched] { matched += 1 }
            if matched == pattern.count { return candidate }
            position = candidate + 1
        }
        return nil
    }
}
