import Foundation
import GRDB

/// Batches concurrent `accept` calls into shared write transactions.
///
/// A call parks its message and a continuation in `pending`. If no flush is running it
/// starts one; otherwise the running flush picks it up as soon as the current
/// transaction commits. Each flush round takes everything pending (up to
/// `maximumBatch`), writes it in one transaction — each message in its own savepoint,
/// so one bad message fails alone — commits (one fsync of the WAL with
/// `synchronous=FULL`), then resumes every caller of that round. No timer: the batching
/// window is exactly the time the previous transaction took, so a lone call is not delayed.
actor GroupCommitter {
    private struct Pending {
        var message: PreparedMessage
        var continuation: CheckedContinuation<AcceptResult, any Error>
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

    /// Parks `message` until the transaction carrying it has committed.
    func submit(_ message: PreparedMessage) async throws -> AcceptResult {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(message: message, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            let messages = batch.map(\.message)
            do {
                let results = try await pool.write { db in
                    messages.map { message in
                        Result<AcceptResult, any Error> {
                            var result: AcceptResult?
                            try db.inSavepoint {
                                result = try AcceptWriter.store(message, in: db)
                                return .commit
                            }
                            return result!
                        }
                    }
                }
                stats.commits += 1
                stats.calls += batch.count
                stats.largestBatch = max(stats.largestBatch, batch.count)
                for (entry, result) in zip(batch, results) { entry.continuation.resume(with: result) }
            } catch {
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
