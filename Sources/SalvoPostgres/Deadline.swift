import Synchronization

/// An answer awaited from the server, or none within a deadline. postgres-nio may never answer a query sent on a
/// connection whose server went away (seen with `pg_ctl restart`: the in-flight query neither returns nor fails,
/// over a Unix socket always, over TCP sometimes), and a run must not hang on it: the work runs in a task of its
/// own, and when the deadline passes first the caller gets `timedOut()` and the task is left behind.
struct Deadline: Sendable {
    let seconds: Double

    func run<T: Sendable>(
        _ work: @escaping @Sendable () async throws -> T, timedOut: @escaping @Sendable () -> any Error
    ) async throws -> T {
        let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, timer: Task<Void, Never>?)>((nil, nil))
        return try await withCheckedThrowingContinuation { continuation in
            state.withLock { $0.continuation = continuation }
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                let (waiting, timer) = state.withLock { state in
                    defer { state = (nil, nil) }
                    return (state.continuation, state.timer)
                }
                timer?.cancel()
                waiting?.resume(with: result)
            }
            let timer = Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled { finish(.failure(timedOut())) }
            }
            state.withLock { $0.timer = timer }
            Task {
                do {
                    finish(.success(try await work()))
                } catch {
                    finish(.failure(error))
                }
            }
        }
    }
}
