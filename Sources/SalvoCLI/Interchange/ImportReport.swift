import SalvoCore
import SalvoStorage

/// What `salvo import` says it did: per item added, renamed, replaced or skipped, then the names it had to
/// change and what the file held that salvo cannot represent.
struct ImportReport {
    let bundle: ImportBundle
    let entries: [ImportEntry]
    let dryRun: Bool

    var lines: [String] {
        var counts: [ImportEntry.Action: Int] = [:]
        for entry in entries { counts[entry.action, default: 0] += 1 }
        let summary = [ImportEntry.Action.added, .renamed, .replaced, .skipped].map {
            "\(counts[$0] ?? 0) \($0.rawValue)"
        }
        var lines = [
            "\(dryRun ? "would import" : "imported") from a \(bundle.format.rawValue): "
                + summary.joined(separator: ", ") + ", \(bundle.skipped.count) left out"
        ]
        for entry in entries {
            let name = entry.name == entry.fileName ? entry.name : "\(entry.fileName) -> \(entry.name)"
            let note = entry.note.map { ": \($0)" } ?? ""
            lines.append(
                "  \(entry.action.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))"
                    + "\(entry.entity.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))\(name)\(note)")
        }
        if !bundle.renamed.isEmpty {
            lines.append("names changed to follow salvo's rule (letters, digits, '.', '_', '-'):")
            lines += bundle.renamed.map { "  \(JSONValue.string($0.from).compact) -> \($0.to)" }
        }
        if !bundle.skipped.isEmpty {
            lines.append("left out:")
            lines += bundle.skipped.map { "  \($0.item): \($0.reason)" }
        }
        if dryRun { lines.append("dry run: nothing was imported") }
        return lines
    }

    var json: JSONValue {
        [
            "format": .string(bundle.format.rawValue), "dry_run": .bool(dryRun),
            "entries": .array(
                entries.map {
                    [
                        "entity": .string($0.entity.rawValue), "action": .string($0.action.rawValue),
                        "name": .string($0.name), "file_name": .string($0.fileName),
                        "note": $0.note.map { .string($0) } ?? .null,
                    ]
                }),
            "renamed": .array(bundle.renamed.map { ["from": .string($0.from), "to": .string($0.to)] }),
            "skipped": .array(bundle.skipped.map { ["item": .string($0.item), "reason": .string($0.reason)] }),
        ]
    }
}
