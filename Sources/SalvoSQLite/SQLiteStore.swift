import Foundation
import GRDB
import SalvoCore
import SalvoStorage
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The local SQLite store: environments, the collection, and the audit trail (and later the ledger).
///
/// All SQL lives in this module. A store is opened by one process or several at once: WAL, a busy timeout,
/// and an exclusive lock on the store's folder around the first open and migration (see FINDINGS.md).
public final class SQLiteStore: Storage {
    /// The path of the SQLite file.
    public let path: String
    /// Fingerprints tokens under this store's own key.
    public let fingerprinter: TokenFingerprinter
    public let fingerprintKey: Data
    let pool: DatabasePool
    let author: Operator
    let clock: @Sendable () -> Date
    /// Whether this process wrote to the store; only then does closing it checkpoint the WAL.
    private let wrote = Mutex(false)
    /// Where ledger commits run, off Swift's cooperative threads.
    let ledgerQueue = DispatchQueue(label: "salvo.ledger")

    public var location: String { path }

    public var files: [String] { Self.files(at: path) }

    /// The files of the store at `path`: the database, its WAL and shared memory, and its run locks.
    public static func files(at path: String) -> [String] {
        [path, path + "-wal", path + "-shm", path + "-runs"]
    }

    /// How long a write waits for another process's write before giving up with `StoreError.locked`.
    public static let busyTimeout: TimeInterval = 15

    /// A store over an opened and migrated `pool`, with the fingerprint key it holds.
    private init(path: String, pool: DatabasePool, author: Operator, clock: @escaping @Sendable () -> Date) throws {
        let key = try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT fingerprint_key FROM store_meta WHERE singleton = 1")
        }
        guard let key else { throw StoreError.corrupt(path: path, detail: "store_meta has no fingerprint key") }
        self.path = path
        self.pool = pool
        self.fingerprinter = TokenFingerprinter(key: key)
        self.fingerprintKey = key
        self.author = author
        self.clock = clock
    }

    /// Opens the store at `path`, creating it (file 0600, new folder 0700) when `create` (else a missing store is
    /// `StoreError.missing`), and applying migrations as needed. A store whose schema is newer than this salvo's
    /// is refused and left untouched.
    public static func open(
        at path: String, author: Operator, create: Bool = true, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> SQLiteStore {
        // An empty file is no store either: opening it would write the schema into it.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard create || (size ?? 0) > 0 else { throw StoreError.missing(path: path) }
        let directory =
            (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if isOnReadOnlyFileSystem(directory) { return try openReadOnly(at: path, author: author, clock: clock) }
        try prepareFile(at: path, in: directory)
        let lock = try FolderLock(directory: directory, storePath: path)
        defer { lock.release() }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            configuration.foreignKeysEnabled = true
            let pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = Migrations.migrator(upgradedBy: author, at: Timestamp.string(from: clock()))
            let state = try pool.read { db in
                (superseded: try migrator.hasBeenSuperseded(db), complete: try migrator.hasCompletedMigrations(db))
            }
            if state.superseded {
                let storeVersion = try pool.read { db in
                    try migrator.appliedIdentifiers(db).map(Migrations.version(of:)).max() ?? 0
                }
                throw StoreError.newerSchema(
                    path: path, storeVersion: storeVersion, knownVersion: Migrations.knownVersion)
            }
            if !state.complete { try migrator.migrate(pool) }
            // The ledger's "committed before sent" must survive a power loss, not just a crash: FULL syncs the
            // WAL at every commit. GRDB sets NORMAL while opening, so this comes after (FINDINGS.md).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            return try SQLiteStore(path: path, pool: pool, author: author, clock: clock)
        } catch {
            throw translate(error, path: path)
        }
    }

    /// A store on a file system mounted read-only (a snapshot, an archive): opened so that commands that only
    /// read work, and any write fails with `StoreError.readOnly`. With a WAL left by its last writer, SQLite
    /// reads through it; without one it cannot build the WAL index there, so the file is opened as immutable,
    /// which is exact since nothing can change it.
    private static func openReadOnly(
        at path: String, author: Operator, clock: @escaping @Sendable () -> Date
    ) throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "no such file, and its file system is read-only")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
            let pool = try DatabasePool(
                path: wal > 0 ? path : "file:\(encoded)?immutable=1", configuration: configuration)
            let migrator = Migrations.migrator
            let (superseded, complete) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
            }
            guard !superseded else {
                throw StoreError.newerSchema(
                    path: path, storeVersion: Migrations.knownVersion + 1, knownVersion: Migrations.knownVersion)
            }
            guard complete else { throw StoreError.readOnly(path: path) }
            return try SQLiteStore(path: path, pool: pool, author: author, clock: clock)
        } catch {
            throw translate(error, path: path)
        }
    }

    private static func isOnReadOnlyFileSystem(_ directory: String) -> Bool {
        var info = statvfs()
        return statvfs(directory, &info) == 0 && (info.f_flag & UInt(ST_RDONLY)) != 0
    }

    /// Copies the WAL into the main file and empties it (without waiting on other processes' readers), then
    /// closes every connection. GRDB closes its writer before its read-only readers, and a read-only last
    /// connection can neither checkpoint nor remove the WAL, so it is done here, by a process that wrote (one that
    /// only read added nothing to the WAL, and skipping it spares a command like `request list` two syncs).
    /// Emptied, not only copied: the next process to open the store rebuilds its index of the WAL by reading
    /// every valid frame, and it does not know they were copied, so a WAL never emptied grew with every command
    /// and was read whole by each (18 MB after 500 `request add`, a quarter of `request list`'s work). One frame
    /// is then written back (the header page, unchanged): GRDB writes to a store whose WAL is empty as it opens it,
    /// which a command that only reads must not do.
    public func close() {
        if wrote.withLock({ $0 }) {
            _ = try? pool.writeWithoutTransaction { db in
                try db.checkpoint(.passive)
                // Emptying waits for other processes' readers of the WAL: with no wait, it is left for later.
                try db.execute(sql: "PRAGMA busy_timeout = 0")
                guard (try? db.checkpoint(.truncate)) != nil else { return }
                // Nothing to make durable: the frame repeats what the file holds.
                try db.execute(sql: "PRAGMA synchronous = OFF")
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                try db.execute(sql: "PRAGMA user_version = \(version)")
            }
        }
        try? pool.close()
    }

    /// Runs `body` in a read transaction, translating database errors.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` in an immediate write transaction, translating database errors. A throw rolls it all back.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        wrote.withLock { $0 = true }
        do {
            return try pool.write(body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` in an immediate transaction that is committed only when `commit` is true (rolled back
    /// otherwise, as for a dry run), translating database errors.
    func transaction<T>(commit: Bool, _ body: (Database) throws -> T) throws -> T {
        wrote.withLock { $0 = true }
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return commit ? .commit : .rollback
                }
                return result!
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// The current time as stored.
    var now: String { Timestamp.string(from: clock()) }

    private static func prepareFile(at path: String, in directory: String) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw StoreError.cannotOpen(path: path, reason: "it is a folder") }
            guard files.isReadableFile(atPath: path) else {
                throw StoreError.cannotOpen(path: path, reason: "permission denied")
            }
            return
        }
        if !files.fileExists(atPath: directory) {
            do {
                try files.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create the folder \(directory)")
            }
        }
        let descriptor = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            Glibc.close(descriptor)
        } else if errno != EEXIST {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Turns GRDB's errors into `StoreError`s people can act on. GRDB keeps bound values out of its messages,
    /// and so do these: a bound value may be a token.
    static func translate(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_NOTADB: return StoreError.notADatabase(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError.locked(path: path)
        case .SQLITE_CORRUPT: return StoreError.corrupt(path: path, detail: error.message ?? "corrupt")
        case .SQLITE_READONLY: return StoreError.readOnly(path: path)
        case .SQLITE_FULL: return StoreError.diskFull(path: path)
        case .SQLITE_CANTOPEN: return StoreError.cannotOpen(path: path, reason: error.message ?? "cannot open")
        case .SQLITE_PERM, .SQLITE_AUTH: return StoreError.cannotOpen(path: path, reason: "permission denied")
        default: return StoreError.failed(path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }
}

/// An exclusive `flock` on the store's folder, held while a store is opened and migrated, so two first-time
/// opens of one store cannot race (SQLite's own locks are on the file, and closing any other descriptor of the
/// file would drop them, hence the folder).
struct FolderLock {
    private let descriptor: Int32

    init(directory: String, storePath: String) throws {
        descriptor = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(
                path: storePath, reason: "cannot open its folder: \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { break }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        Glibc.close(descriptor)
    }
}
