import ArgumentParser
import Foundation
import Logging
import SalvoRunner
import SalvoStorage

/// The entry point of the `salvo` executable: parses, runs, and turns errors into messages and exit codes.
public enum SalvoMain {
    /// Runs salvo with `arguments` (without the program name) and returns its exit code.
    public static func run(_ arguments: [String]) async -> Int32 {
        let console = CommandEnvironment.current.console
        _ = logging
        do {
            let arguments = hoistingLeadingStore(arguments)
            if let typo = arguments.first, let meant = CommandSuggestion.meant(by: typo) {
                console.error("unknown command '\(typo)'; did you mean '\(meant)'? (`salvo --help` lists the commands)")
                return ExitStatus.badInput.rawValue
            }
            var command = try Salvo.parseAsRoot(arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            return ExitStatus.success.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as StoreError {
            console.error(ErrorHint.message(for: error))
            return ExitStatus.code(for: error).rawValue
        } catch let error as RunnerError {
            console.error(ErrorHint.message(for: error))
            return ExitStatus.code(for: error).rawValue
        } catch let error as LocalizedError where error.errorDescription != nil {
            console.error(error.errorDescription!)
            return ExitStatus.code(for: error).rawValue
        } catch let error as CommandError {
            console.error(error.message)
            return error.status.rawValue
        } catch {
            // ArgumentParser's own errors: help, version and completions succeed; anything else is usage.
            let message = Salvo.fullMessage(for: error)
            if Salvo.exitCode(for: error) == .success {
                if !message.isEmpty { console.out(message) }
                return ExitStatus.success.rawValue
            }
            console.note(message)
            return ExitStatus.badInput.rawValue
        }
    }

    /// Log lines go to stderr at `SALVO_LOG`'s level (warning by default); set up once per process.
    private static let logging: Void = {
        let level = ProcessInfo.processInfo.environment["SALVO_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    /// `salvo --store PATH env list` means the same as `salvo env list --store PATH`: a leading `--store`
    /// is moved behind the subcommand's own arguments, where every command accepts it.
    static func hoistingLeadingStore(_ arguments: [String]) -> [String] {
        var rest = arguments[...]
        var moved: [String] = []
        while let first = rest.first {
            if first == "--store", rest.count >= 2 {
                moved += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--store=") {
                moved.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !moved.isEmpty else { return arguments }
        guard let terminator = rest.firstIndex(of: "--") else { return Array(rest) + moved }
        return Array(rest[..<terminator]) + moved + Array(rest[terminator...])
    }
}
