import Foundation
import SalvoCore

/// A run as `salvo runs` shows it, with counts from the ledger.
public struct RunInfo: Sendable {
    public var id: Int64
    public var kind: RunKind
    public var startedAt: String
    public var finishedAt: String?
    public var state: RunState
    public var environment: String
    public var selection: JSONValue
    public var settings: JSONValue
    public var dataFile: String?
    public var dataSHA256: String?
    public var by: Operator
    /// Launches by how their latest attempt ended (`unknown` when it has no outcome).
    public var counts: [LaunchResult: Int]

    public init(
        id: Int64, kind: RunKind, startedAt: String, finishedAt: String?, state: RunState, environment: String,
        selection: JSONValue, settings: JSONValue, dataFile: String?, dataSHA256: String?, by: Operator,
        counts: [LaunchResult: Int]
    ) {
        self.id = id
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.state = state
        self.environment = environment
        self.selection = selection
        self.settings = settings
        self.dataFile = dataFile
        self.dataSHA256 = dataSHA256
        self.by = by
        self.counts = counts
    }

    /// A run from its stored facts and its launches' counts. `held` says whether a process holds the run now: a
    /// run stored as running whose process is gone (killed, crashed) shows as interrupted.
    public init(facts: RunFacts, held: Bool, counts: [LaunchResult: Int]) {
        let state = RunState(rawValue: facts.state) ?? .running
        self.init(
            id: facts.id, kind: RunKind(rawValue: facts.kind) ?? .run, startedAt: facts.startedAt,
            finishedAt: facts.finishedAt, state: state == .running && !held ? .interrupted : state,
            environment: facts.environment, selection: facts.selection, settings: facts.settings,
            dataFile: facts.dataFile, dataSHA256: facts.dataSHA256, by: facts.by, counts: counts)
    }

    /// The run's settings as it was started with them.
    public var record: RunRecord { RunRecord(selection: selection, settings: settings, environment: environment) }

    /// How many launches it made (each position once, by its latest attempt).
    public var launches: Int { counts.values.reduce(0, +) }
}

/// Where a launch of a run stands, for `--resume`.
public enum LaunchState: Sendable {
    /// It ended ok, skipped, or rejected by an answer that is not 429 or 5xx: never sent again.
    case final
    /// Its latest try was answered 429 or 5xx: final once the run's retries are spent, else it goes again
    /// with its Request-ID (the process may have died while it waited to retry).
    case retryable(LaunchAttempt, firstTried: String, mayHaveLeft: Bool)
    /// Its latest attempt has no outcome, or an unknown or not-sent one: send it again, same Request-ID.
    /// `firstTried` is when its Request-ID was first used, `mayHaveLeft` whether any try may have been delivered
    /// (not when every try was refused a connection).
    case unfinished(LaunchAttempt, firstTried: String, mayHaveLeft: Bool)
}

/// What a run is started with: its kind, where it goes, and its record (written here, read back with
/// `RunInfo.record`).
public struct RunStart: Sendable {
    public var kind: RunKind
    public var environment: String
    public var record: RunRecord
    public var dataFile: String?
    public var dataSHA256: String?

    public init(
        kind: RunKind, environment: String, record: RunRecord, dataFile: String? = nil, dataSHA256: String? = nil
    ) {
        self.kind = kind
        self.environment = environment
        self.record = record
        self.dataFile = dataFile
        self.dataSHA256 = dataSHA256
    }
}

/// What started a run: a send (a run of one launch), a run, or a replay.
public enum RunKind: String, Sendable {
    case send, run, replay

    /// Whether `salvo run --resume` finishes it (a replay launches anew instead).
    public var isResumable: Bool { self != .replay }
}

/// How a run ended.
public enum RunState: String, Sendable {
    case running, finished, interrupted
}
