import Foundation
import GRDB

/// Batches concurrent writes into shared transactions: custody (`accept`, committed with an
/// fsync) and the delivery engine's bookkeeping (claimed, delivered, deferred: committed
/// without one of its own).
///
/// A call parks its work and a continuation in `pending`. If no flush is running it starts
/// one; otherwise the running flush picks it up as soon as the current transaction commits.
/// Each flush round takes everything pending (up to `maximumBatch`), runs it in order in one
/// transaction (each call in its own savepoint, so one failing call fails alone), commits,
/// then resumes every caller of that round. A round that carries an `accept` commits with
/// `synchronous=FULL` (one fsync of the WAL for all of them); a round of bookkeeping alone
/// commits with `synchronous=NORMAL` (``NodeStore/bookkeepingWrite(_:)`` says why that is
/// safe). No timer: the batching window is exactly the time the previous transaction took,
/// so a lone call is not delayed.
///
/// Measured under `Scripts/bench-peers-relay --only mxgp --n 3000` with `strace -c -f`:
/// bookkeeping batched here instead of one transaction per call cut the relay's system calls
/// per message from 30 to 16 pwrite64, 13 to 3 fcntl (WAL locks) and 35 to 25 futex.
actor GroupCommitter {
    private struct Pending {
        /// True for custody: the round must fsync before this caller resumes.
        var durable: Bool
        var work: @Sendable (Database) throws -> any Sendable
        var continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    private let maximumBatch: Int
    private var pending: [Pending] = []
    private var flushing = false
    private(set) var stats = GroupCommitStats(calls: 0, commits: 0, largestBatch: 0)

    init(pool: DatabasePool, maximumBatch: Int) {
        self.pool = pool
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Parks `message` until the transaction carrying it has committed (with an fsync).
    func submit(_ message: PreparedMessage) async throws -> AcceptResult {
        try await run(durable: true) { db in try AcceptWriter.store(message, in: db) }
    }

    /// Runs `work` in the next round's transaction and returns its result once that round
    /// has committed. `durable`: the commit fsyncs the WAL before the caller resumes.
    func run<T: Sendable>(durable: Bool, _ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Pending(durable: durable, work: work, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
        return result as! T
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            let durable = batch.contains { $0.durable }
            let works = batch.map(\.work)
            do {
                let results = try await pool.writeWithoutTransaction { db in
                    // A durable round sets FULL itself rather than trusting the reset after the
                    // last bookkeeping round (that reset cannot report a failure).
                    try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
                    defer { if !durable { try? db.execute(sql: "PRAGMA synchronous = FULL") } }
                    var results: [Result<any Sendable, any Error>] = []
                    try db.inTransaction {
                        results = works.map { work in
                            Result<any Sendable, any Error> {
                                var result: (any Sendable)?
                                try db.inSavepoint {
                                    result = try work(db)
                                    return .commit
                                }
                                return result!
                            }
                        }
                        return .commit
                    }
                    return results
                }
                let accepts = batch.reduce(0) { $0 + ($1.durable ? 1 : 0) }
                if accepts > 0 {
                    stats.commits += 1
                    stats.calls += accepts
                    stats.largestBatch = max(stats.largestBatch, accepts)
                } else {
                    stats.bookkeepingCommits += 1
                }
                stats.bookkeepingCalls += batch.count - accepts
                for (entry, result) in zip(batch, results) { entry.continuation.resume(with: result) }
            } catch {
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
