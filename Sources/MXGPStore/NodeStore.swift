import Foundation
import GRDB

/// The node's durable store: the outbound queue, local mailboxes, the dedupe table and
/// the ledger, in `<directory>/mxgp.sqlite` (SQLite WAL, `synchronous=FULL`).
///
/// `accept` is the custody point: it returns only after the message is committed, and
/// concurrent calls share one transaction (group commit) so they share fsyncs. Every
/// other method is one short transaction of its own; the delivery engine's bookkeeping
/// (claimed, delivered, deferred) commits without an fsync of its own (`bookkeepingWrite`).
public final class NodeStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let committer: GroupCommitter

    /// The file name inside the store directory.
    public static let fileName = "mxgp.sqlite"

    /// Opens (or creates) the store in `directory`, creating the directory if needed,
    /// and runs the migrations. `maximumBatch` caps how many calls (`accept` and delivery
    /// bookkeeping) one transaction carries.
    public init(directory: URL, maximumBatch: Int = 256) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotCreateDirectory(directory.path, underlying: "\(error)")
        }
        path = directory.appendingPathComponent(Self.fileName).path
        var configuration = Configuration()
        configuration.label = "mxgp.store"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches the writer to `synchronous = NORMAL` when it enables WAL, after
        // `prepareDatabase`: set FULL again on the (single, long-lived) writer connection,
        // so every commit is fsynced before `accept` returns.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try StoreSchema.migrator.migrate(pool)
        committer = GroupCommitter(pool: pool, maximumBatch: maximumBatch)
    }

    /// A write transaction committed without an fsync of its own (`synchronous = NORMAL` for
    /// that commit). Only for bookkeeping whose loss in a power failure is harmless: a
    /// delivery-side state change (claimed, delivered, deferred) that is lost leaves the
    /// message queued, so it is sent again and the next hop's dedupe absorbs the copy. Custody
    /// (`accept`) never uses it. The WAL is append-only, so the next FULL commit's fsync makes
    /// these durable too; a SIGKILL loses nothing (the writes are in the page cache already).
    /// Concurrent calls share a transaction (``GroupCommitter``), in a savepoint each; one that
    /// shares a round with an `accept` is committed with its fsync.
    func bookkeepingWrite<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await committer.run(durable: false, updates)
    }

    /// Opens the store in the directory at `path`.
    public convenience init(directoryPath: String, maximumBatch: Int = 256) throws {
        try self.init(directory: URL(fileURLWithPath: directoryPath, isDirectory: true), maximumBatch: maximumBatch)
    }

    /// The durability settings as SQLite reports them on the writer connection:
    /// `journal_mode` (expected `wal`) and `synchronous` (expected 2, FULL).
    public func durabilitySettings() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.writeWithoutTransaction { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            return (mode, sync)
        }
    }

    /// The `synchronous` setting of a reader connection (expected 2, FULL, too).
    public func readerSynchronous() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Group commit counters since the store was opened.
    public func groupCommitStats() async -> GroupCommitStats { await committer.stats }

    /// Closes the database connections; the store must not be used afterwards. Blocks until
    /// every read in flight is done: from async code use ``closeWhenIdle()`` instead.
    public func close() throws { try pool.close() }

    /// ``close()`` on a dispatch thread rather than the caller's. Closing waits for reads in
    /// flight, and those need a thread of the cooperative pool to finish: two stores closed at
    /// once from async code blocked both threads of a 2-core machine's pool for good (a CI run
    /// hung in MailLab.stop()).
    public func closeWhenIdle() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global().async {
                do {
                    try self.pool.close()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Tables present in the database (for diagnostics and tests).
    public func tableNames() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
        }
    }

    /// Forgets dedupe entries first seen before `date` (a retry after a lost 250 comes
    /// within minutes or days, not forever). Returns how many went.
    @discardableResult
    public func pruneDedupe(before date: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM dedupe WHERE first_seen < ?", arguments: [date.storeSeconds])
            return db.changesCount
        }
    }
}

/// Node-local queue ids: the time in milliseconds and 32 random bits, in upper-case hex,
/// so ids sort roughly by arrival.
enum QueueID {
    static func make(_ date: Date) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let random = UInt32.random(in: .min ... .max)
        let time = String(millis, radix: 16, uppercase: true)
        let tail = String(random, radix: 16, uppercase: true)
        return time + String(repeating: "0", count: 8 - tail.count) + tail
    }
}

/// JSON for the hop lists.
enum HopsJSON {
    static func encode(_ hops: [String]) -> String {
        let data = (try? JSONEncoder().encode(hops)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [String] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
