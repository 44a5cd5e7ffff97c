import ArgumentParser

/// The flags of a single launch that `send` and `replay` share.
struct LaunchOptions: ParsableArguments {
    @Flag(help: "Show what would be sent (token masked); send and record nothing.") var dryRun = false
    @Flag(help: "Launch even if an identical launch succeeded within the guard window.") var force = false
    @Option(help: ArgumentHelp("Seconds to wait for the complete answer.", valueName: "seconds")) var timeout: Double =
        30

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be more than 0 and at most 3600 seconds")
        }
    }
}
