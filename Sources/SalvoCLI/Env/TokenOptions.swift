import ArgumentParser
import Foundation
import SalvoCore

#if canImport(Glibc)
    import Glibc
#endif

/// The three ways to give an environment its token; at most one at a time.
struct TokenOptions: ParsableArguments {
    @Flag(help: "Read the token from standard input (recommended; prompts without echo on a terminal).")
    var tokenStdin = false

    @Option(
        help: ArgumentHelp(
            "Read the token from this environment variable at send time; the store keeps only its name.",
            valueName: "var"))
    var tokenEnv: String?

    @Option(
        help: ArgumentHelp(
            "The token itself (lands in shell history and the process list: prefer --token-stdin).", valueName: "token")
    )
    var token: String?

    var isGiven: Bool { tokenStdin || tokenEnv != nil || token != nil }

    func validate() throws {
        guard [tokenStdin, tokenEnv != nil, token != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("give the token one way: --token-stdin, --token-env or --token")
        }
    }

    /// The token source the flags ask for, or nil when none was given. Warns where the user should know.
    func source(_ context: CommandContext) throws -> TokenSource? {
        if let token {
            context.console.warn(
                "--token puts the token in your shell history and the process list; prefer --token-stdin")
            return .stored(token)
        }
        if let tokenEnv {
            guard Environment.isVariableName(tokenEnv) else {
                throw InputError(
                    "--token-env '\(tokenEnv)' is not a variable name (letters, digits and _, not a digit first)")
            }
            if (context.environment[tokenEnv] ?? "").isEmpty {
                context.console.warn("$\(tokenEnv) is not set now; salvo reads it when it sends, so set it before then")
            }
            return .variable(tokenEnv)
        }
        if tokenStdin { return .stored(try Self.readStandardInput(context.console)) }
        return nil
    }

    private static func readStandardInput(_ console: Console) throws -> String {
        let data: Data
        if isatty(STDIN_FILENO) == 1 {
            console.progress("Token (input hidden): ")
            data = withEchoOff { FileHandle.standardInput.availableLine() }
            console.note("")
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw InputError("the token on standard input is not UTF-8")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw InputError(
                "no token on standard input; pipe it in, e.g. printf %s \"$TOKEN\" | salvo env add ... --token-stdin")
        }
        return token
    }

    private static func withEchoOff<T>(_ body: () -> T) -> T {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return body() }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        return body()
    }
}

extension FileHandle {
    /// Reads up to and including a line break, or to the end of input.
    fileprivate func availableLine() -> Data {
        var line = Data()
        while let byte = try? read(upToCount: 1), let first = byte.first {
            if first == 0x0A { break }
            line.append(first)
        }
        return line
    }
}
