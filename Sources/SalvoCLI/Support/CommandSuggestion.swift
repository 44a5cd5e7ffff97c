import ArgumentParser

/// A mistyped command (`salvo reqest`) and the command it is closest to.
enum CommandSuggestion {
    static var commands: [String] {
        Salvo.configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// The command `word` is a slip of: not one itself, and at most two edits from exactly one that is.
    static func meant(by word: String) -> String? {
        guard !word.hasPrefix("-"), !(commands + ["help"]).contains(word), word.count > 2 else { return nil }
        let close = commands.filter { distance(word, $0) <= 2 }
        return close.count == 1 ? close[0] : nil
    }

    /// The Levenshtein distance between `a` and `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
