import Foundation
import SalvoCore
import SalvoStorage

/// Edits a request as a JSON document in the user's editor, re-opening it with the error on top until it is
/// valid, the user quits with an error, or saves it unchanged.
struct EditorSession {
    let console: Console
    let environment: [String: String]

    /// Runs the session; `save` stores a valid result and may throw an input error (such as a name taken),
    /// which re-opens the editor. Returns what `save` returned, or nil when nothing changed.
    func edit(_ request: LaunchRequest, save: (LaunchRequest) async throws -> LaunchRequest?) async throws
        -> LaunchRequest?
    {
        let original = RequestDocument.json(request).pretty + "\n"
        let file = try TemporaryFile(prefix: "salvo-\(request.name)-", suffix: ".json")
        defer { file.remove() }
        var text = original
        var problem: String?
        while true {
            let shown = (problem.map(Self.header) ?? "") + text
            try file.write(shown)
            let status = try runEditor(on: file.path)
            guard status == 0 else {
                throw CommandError("the editor exited with status \(status); request '\(request.name)' is unchanged")
            }
            let saved = try file.read()
            let edited = Self.strippingComments(saved)
            // Saved as shown, or with the same request under other comments: the error is not fixed, and an
            // editor that writes the same thing every time must not keep salvo in this loop.
            if let problem, saved == shown || edited == text {
                throw CommandError(
                    "\(problem)\nthe document was saved with this error unfixed; request '\(request.name)' is unchanged"
                )
            }
            text = edited
            if text.trimmingCharacters(in: .whitespacesAndNewlines)
                == original.trimmingCharacters(in: .whitespacesAndNewlines)
            {
                return nil
            }
            do {
                let document = try JSONParser.parse(text)
                return try await save(try RequestDocument.parse(document))
            } catch let error as JSONSyntaxError {
                problem = "the request is not valid JSON: \(error)"
            } catch let error as InputError {
                problem = error.message
            } catch let error as StoreError where error.isInputError {
                problem = ErrorHint.message(for: error)
            }
        }
    }

    private static func header(_ problem: String) -> String {
        let lines = problem.split(separator: "\n").map { "# error: \($0)" }
        return
            (lines + ["# Fix the request below and save; quit the editor with an error (in vim :cq) to cancel.", ""])
            .joined(separator: "\n")
    }

    private static func strippingComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#") }
            .joined(separator: "\n")
    }

    /// Runs `$VISUAL`, `$EDITOR` or `vi` on `path` through the shell (so `EDITOR="code --wait"` works) with
    /// the terminal attached, and returns its exit status.
    private func runEditor(on path: String) throws -> Int32 {
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty }
        // vi on no terminal reads nothing and fails: with no editor chosen and no terminal, say what to do.
        guard chosen != nil || isatty(STDIN_FILENO) == 1 else {
            throw CommandError(
                "no editor: set $EDITOR (or $VISUAL), or edit with flags: `salvo request edit NAME --email ...`"
                    + " (`salvo request edit --help` lists them)")
        }
        let editor = chosen ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "salvo-editor", path]
        do {
            try process.run()
        } catch {
            throw CommandError("cannot start the editor '\(editor)': \(error.localizedDescription); set $EDITOR")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A file in the temporary folder, readable only by its owner.
struct TemporaryFile {
    let path: String

    init(prefix: String, suffix: String) throws {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/\(prefix)XXXXXX\(suffix)".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard descriptor >= 0 else { throw CommandError("cannot create a temporary file in \(folder)") }
        close(descriptor)
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func write(_ text: String) throws {
        do {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw CommandError("cannot write the temporary file \(path): \(error.localizedDescription)")
        }
    }

    func read() throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("the edited file \(path) is gone; nothing was changed")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw CommandError("the edited file is not UTF-8 text; nothing was changed")
        }
        return text
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
