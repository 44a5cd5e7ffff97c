import Foundation
import Synchronization

/// A process a test starts. Its end is learned by asking `waitpid` about its own pid, never through SIGCHLD:
/// Foundation's `Process` missed children's exits while a test run spawned hundreds of them, and a missed exit
/// stalled the whole run with no test failing.
public final class Child: Sendable {
    public enum Ending: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    public let processIdentifier: pid_t
    private let ended = Mutex<(status: Int32, ending: Ending)?>(nil)

    /// Starts `executable` with `arguments` and exactly `environment`. Standard input reads the file `stdin`
    /// (else `/dev/null`); output is appended to the file `stdout`, errors to `stderr` (else to `stdout`).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil,
        stdout: String = "/dev/null", stderr: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Signals as a shell's child would find them: none blocked, none ignored.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let failure = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard failure == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
        }
        processIdentifier = pid
    }

    /// Whether the process has not ended yet (an ended one is reaped here).
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Its exit code, or the signal that ended it; only once it has ended.
    public var terminationStatus: Int32 {
        guard let ended = reap(blocking: false) else { preconditionFailure("\(processIdentifier) still runs") }
        return ended.status
    }

    public var terminationReason: Ending {
        guard let ended = reap(blocking: false) else { preconditionFailure("\(processIdentifier) still runs") }
        return ended.ending
    }

    /// Sends `signal` unless the process has already been reaped (its pid could be another process's by now).
    public func signal(_ signal: Int32) {
        ended.withLock { ended in
            if ended == nil { _ = kill(processIdentifier, signal) }
        }
    }

    /// Waits for the end without holding a thread of Swift's cooperative pool, which an in-process sandbox may
    /// need to answer the very process being waited for. A cancelled wait (a test past its time limit) kills it.
    @discardableResult
    public func exit() async -> Int32 {
        var pause = 1
        while isRunning {
            if Task.isCancelled { signal(SIGKILL) }
            try? await Task.sleep(for: .milliseconds(pause))
            pause = min(pause * 2, 20)
        }
        return terminationStatus
    }

    /// Waits for the end, blocking this thread (for short tools run outside the cooperative pool).
    @discardableResult
    public func exitBlocking() -> Int32 {
        _ = reap(blocking: true)
        return terminationStatus
    }

    private func reap(blocking: Bool) -> (status: Int32, ending: Ending)? {
        ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            } while result == -1 && errno == EINTR
            guard result == processIdentifier else { return nil }
            let signal = status & 0x7f
            ended = signal == 0 ? ((status >> 8) & 0xff, .exit) : (signal, .uncaughtSignal)
            return ended
        }
    }
}
