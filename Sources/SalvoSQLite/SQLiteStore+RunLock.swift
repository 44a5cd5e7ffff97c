import Foundation
import SalvoCore
import SalvoStorage

#if canImport(Glibc)
    import Glibc
#endif

/// Held by the process that is running (or resuming) a run, so a second process cannot resume the same run at
/// the same time: it would take the first one's launches in flight for interrupted ones. One byte-range lock per
/// run in a file beside the store (`salvo.db-runs`); the system drops it when the process ends, however it ends.
final class FileRunLock: RunLock {
    private let descriptor: Int32

    fileprivate init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func release() {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }
}

extension SQLiteStore {
    /// Locks run `id` for this process, or throws `StoreError.runInUse` when another process holds it. Where
    /// the lock file cannot be made (a read-only store), nothing can be written either, and no lock is needed.
    public func lockRun(_ id: Int64) throws -> any RunLock {
        let descriptor = Glibc.open(path + "-runs", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return FileRunLock(descriptor: -1) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(id)
        lock.l_len = 1
        guard fcntl(descriptor, F_SETLK, &lock) == 0 else {
            Glibc.close(descriptor)
            throw StoreError.runInUse(run: id)
        }
        return FileRunLock(descriptor: descriptor)
    }

    /// Whether a process holds run `id`'s lock now (is running or resuming it).
    func isRunHeld(_ id: Int64) -> Bool {
        let descriptor = Glibc.open(path + "-runs", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(id)
        lock.l_len = 1
        return fcntl(descriptor, F_GETLK, &lock) == 0 && lock.l_type != Int16(F_UNLCK)
    }
}
