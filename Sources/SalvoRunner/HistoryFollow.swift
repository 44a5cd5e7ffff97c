import Foundation
import SalvoCore
import SalvoStorage

/// `history --follow`: the launches a filter matches, oldest first, each once its answer is recorded, as they
/// come, until cancelled. A launch still in flight is held back (and the ones after it are not held up); one with
/// no answer after `patience` is shown as it stands (its run was killed: a resume answers it).
public struct HistoryFollow: Sendable {
    let store: any Storage
    let filter: HistoryFilter
    let patience: Double
    let clock: @Sendable () -> Date

    /// Launches read per query.
    static let page = 1_000

    public init(context: RunnerContext, filter: HistoryFilter, patience: Double = 60) {
        store = context.store
        self.filter = filter
        self.patience = patience
        clock = context.clock
    }

    /// Calls `emit` with the last `filter.limit` launches, then with new ones as they are answered, checking
    /// every `interval`; returns when the task is cancelled.
    public func follow(every interval: Duration, emit: ([HistoryLine]) -> Void) async throws {
        var query = filter
        query.result = nil  // an answer can make a launch match later: the status is checked here
        let backlog = try await store.history(query).reversed()
        var cursor = max(backlog.last?.id ?? 0, try await store.history(HistoryFilter(limit: 1)).first?.id ?? 0)
        var waiting: [Int64: Date] = [:]
        var shown = Set<Int64>()
        func settle(_ lines: some Sequence<HistoryLine>) -> [HistoryLine] {
            let now = clock()
            var ready: [HistoryLine] = []
            for line in lines where !shown.contains(line.id) {
                cursor = max(cursor, line.id)
                let since = waiting[line.id] ?? now
                guard line.outcome != nil || now.timeIntervalSince(since) >= patience else {
                    waiting[line.id] = since
                    continue
                }
                waiting[line.id] = nil
                shown.insert(line.id)
                if filter.result == nil || line.result == filter.result { ready.append(line) }
            }
            return ready
        }
        emit(settle(backlog))
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            // From the oldest launch still waiting for its answer, else from the newest one seen, a page at a time.
            query.after = (waiting.keys.min().map { $0 - 1 }) ?? cursor
            query.limit = Self.page
            while true {
                let lines = try await store.history(query)
                let ready = settle(lines)
                if !ready.isEmpty { emit(ready) }
                guard lines.count == Self.page, let last = lines.last else { break }
                query.after = last.id
            }
            let floor = waiting.keys.min() ?? cursor
            shown = shown.filter { $0 >= floor }
        }
    }
}
