import Foundation
import Synchronization

/// A process a test starts. A thread of its own waits for its end with `waitpid` on its pid, never through
/// SIGCHLD: Foundation's `Process` missed children's exits while a test run spawned hundreds of them, and a missed
/// exit stalled the whole run with no test failing.
public final class Child: Sendable {
    public enum Ending: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    public let processIdentifier: pid_t
    private struct State {
        var ended: (status: Int32, ending: Ending)?
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

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
        // Nothing else the test process has open: a script another test is still writing would be "busy".
        _ = closeFrom(&actions, 3)
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
        Thread.detachNewThread { [self] in reap() }
    }

    /// Whether the process has not ended yet.
    public var isRunning: Bool { state.withLock { $0.ended == nil } }

    /// Its exit code, or the signal that ended it; only once it has ended.
    public var terminationStatus: Int32 {
        guard let ended = state.withLock({ $0.ended }) else { preconditionFailure("\(processIdentifier) still runs") }
        return ended.status
    }

    public var terminationReason: Ending {
        guard let ended = state.withLock({ $0.ended }) else { preconditionFailure("\(processIdentifier) still runs") }
        return ended.ending
    }

    /// Sends `signal` unless the process has already been reaped (its pid could be another process's by now).
    public func signal(_ signal: Int32) {
        state.withLock { state in
            if state.ended == nil { _ = kill(processIdentifier, signal) }
        }
    }

    /// Waits for the end without holding a thread. A cancelled wait (a test past its time limit) kills it.
    @discardableResult
    public func exit() async -> Int32 {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state in
                    if state.ended == nil { state.waiting.append(continuation) }
                    return state.ended != nil
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            signal(SIGKILL)
        }
        return terminationStatus
    }

    /// Waits for the end, blocking this thread (for short tools).
    @discardableResult
    public func exitBlocking() -> Int32 {
        while isRunning { usleep(500) }
        return terminationStatus
    }

    /// The waiting thread's work: the end, then everyone waiting for it.
    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(processIdentifier, &status, 0)
        } while result == -1 && errno == EINTR
        let signal = status & 0x7f
        let ended: (Int32, Ending) = signal == 0 ? ((status >> 8) & 0xff, .exit) : (signal, .uncaughtSignal)
        let waiting = state.withLock { state in
            state.ended = ended
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not
/// declare.
private let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { fatalError("this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)") }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()
