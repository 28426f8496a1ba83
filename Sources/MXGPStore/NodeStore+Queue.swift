import Foundation
import GRDB

/// The delivery engine's side of the queue. A recipient goes
/// `queued → delivering → delivered | queued (deferred) | bounced`; a message leaves
/// the queue when none of its recipients is queued, delivering or bounced-without-DSN.
extension NodeStore {
    /// Messages with recipients due at `now` (state `queued`, `next_attempt_at ≤ now`),
    /// oldest due first, at most `limit` messages, each with only its due recipients.
    /// Messages in `excluding` (deliveries running now) are skipped without being loaded.
    public func due(now: Date, limit: Int = 100, excluding: Set<String> = []) async throws -> [QueuedDelivery] {
        try await pool.read { db in
            // Recipients in (next_attempt_at, queue_id) order straight from the index: a
            // message first appears at its earliest due recipient, so the first `limit` new ids
            // are the `limit` oldest-due messages; the walk stops there.
            var ids: [String] = []
            var seen: Set<String> = []
            let cursor = try String.fetchCursor(db.cachedStatement(sql: """
                    SELECT queue_id FROM recipients INDEXED BY recipients_due
                    WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, queue_id
                    """), arguments: [now.storeSeconds])
            while ids.count < limit, let id = try cursor.next() {
                if seen.insert(id).inserted && !excluding.contains(id) { ids.append(id) }
            }
            return try ids.compactMap { id in
                try QueueReader.delivery(
                    db, id: id, recipientFilter: "state = 'queued' AND next_attempt_at <= ?",
                    arguments: [now.storeSeconds])
            }
        }
    }

    /// Claims recipients for an attempt through `nextHop`: `queued → delivering`, attempts
    /// +1. Returns the addresses actually claimed (those that were still queued).
    @discardableResult
    public func markDelivering(queueId: String, recipients: [String], nextHop: String?) async throws -> [String] {
        try await bookkeepingWrite { db in
            var claimed: [String] = []
            for address in recipients {
                try db.cachedStatement(sql: """
                        UPDATE recipients SET state = 'delivering', next_hop = ?, attempts = attempts + 1
                        WHERE queue_id = ? AND address = ? AND state = 'queued'
                        """).execute(arguments: [nextHop, queueId, address])
                if db.changesCount > 0 { claimed.append(address) }
            }
            return claimed
        }
    }

    /// The next hop answered 250 for these recipients: they are done. The message is
    /// deleted once no recipient is left. With `price`, books one message out to
    /// `nextHop` in the ledger in the same transaction.
    public func delivered(queueId: String, recipients: [String], nextHop: String, price: Int? = nil) async throws {
        try await bookkeepingWrite { db in
            guard let size = try Int.fetchOne(db.cachedStatement(sql: "SELECT size FROM messages WHERE id = ?"),
                arguments: [queueId])
            else { throw StoreError.unknownMessage(queueId) }
            try QueueWriter.setState(db, queueId: queueId, recipients: recipients, sql: """
                UPDATE recipients SET state = 'delivered', next_hop = ?, last_error = NULL
                WHERE queue_id = ? AND address = ? AND state IN ('queued', 'delivering')
                """, leading: [nextHop])
            if let price {
                try LedgerWriter.book(db, neighbour: nextHop, inbound: false, bytes: size, price: price)
            }
            try QueueWriter.deleteIfDone(db, queueId: queueId)
        }
    }

    /// A temporary failure: the recipients go back to `queued` with `error` and the next
    /// attempt at `nextAttemptAt` (the engine computes the backoff). A recipient that was
    /// not marked delivering gets its attempt counted here.
    public func deferred(queueId: String, recipients: [String], error: String, nextAttemptAt: Date) async throws {
        try await bookkeepingWrite { db in
            try QueueWriter.setState(db, queueId: queueId, recipients: recipients, sql: """
                UPDATE recipients SET
                    attempts = attempts + (CASE WHEN state = 'queued' THEN 1 ELSE 0 END),
                    state = 'queued', last_error = ?, next_attempt_at = ?
                WHERE queue_id = ? AND address = ? AND state IN ('queued', 'delivering')
                """, leading: [error, nextAttemptAt.storeSeconds])
        }
    }

    /// A permanent failure (5xx, or expired): the recipients are `bounced` with `reply`
    /// and wait, with the original message, until `dsnQueued` says their DSN is durable.
    public func bounced(queueId: String, recipients: [String], reply: String) async throws {
        try await pool.write { db in
            try QueueWriter.setState(db, queueId: queueId, recipients: recipients, sql: """
                UPDATE recipients SET state = 'bounced', last_error = ?
                WHERE queue_id = ? AND address = ? AND state IN ('queued', 'delivering')
                """, leading: [reply])
        }
    }

    /// Messages with bounced recipients whose DSN is not yet queued, with the original envelope.
    public func pendingBounces(limit: Int = 100) async throws -> [PendingBounce] {
        try await pool.read { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT queue_id FROM recipients WHERE state = 'bounced' ORDER BY queue_id LIMIT ?"),
                arguments: [limit])
            return try ids.compactMap { id in
                guard let delivery = try QueueReader.delivery(db, id: id, recipientFilter: "state = 'bounced'", arguments: [])
                else { return nil }
                return PendingBounce(
                    id: delivery.id, messageId: delivery.messageId, envelopeFrom: delivery.envelopeFrom,
                    data: delivery.data, receivedAt: delivery.receivedAt, receivedFrom: delivery.receivedFrom,
                    hops: delivery.hops,
                    recipients: delivery.recipients.map { BouncedRecipient(address: $0.address, reply: $0.lastError ?? "") })
            }
        }
    }

    /// The DSN for these bounced recipients is durable (accepted into the store), or none
    /// is due (null sender): they leave the queue, and the message with the last of them.
    /// Give the DSN a Message-ID derived from the queue id, so a crash between `accept`
    /// and this call makes the retry a dedupe hit instead of a second DSN.
    public func dsnQueued(queueId: String, recipients: [String]) async throws {
        try await pool.write { db in
            for address in recipients {
                try db.cachedStatement(sql: "DELETE FROM recipients WHERE queue_id = ? AND address = ? AND state = 'bounced'")
                    .execute(arguments: [queueId, address])
            }
            try QueueWriter.deleteIfDone(db, queueId: queueId)
        }
    }

    /// Queued recipients of messages older than `lifetime` at `now`, for the engine to
    /// bounce with a DSN ("5.4.7 delivery time expired").
    public func expired(lifetime: TimeInterval, now: Date) async throws -> [QueuedDelivery] {
        try await pool.read { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: """
                    SELECT DISTINCT m.id FROM messages m JOIN recipients r ON r.queue_id = m.id
                    WHERE r.state = 'queued' AND m.received_at <= ? ORDER BY m.received_at, m.id
                    """), arguments: [now.storeSeconds - lifetime])
            return try ids.compactMap { id in
                try QueueReader.delivery(db, id: id, recipientFilter: "state = 'queued'", arguments: [])
            }
        }
    }

    /// At startup: recipients left `delivering` by a crash go back to `queued`, due now.
    /// Their attempt stays counted; the next hop's dedupe absorbs a copy it already had.
    /// Returns how many recipients were recovered.
    @discardableResult
    public func recover() async throws -> Int {
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE recipients SET state = 'queued' WHERE state = 'delivering'").execute()
            return db.changesCount
        }
    }

    /// Messages waiting for delivery (some recipient queued or delivering).
    public func queueDepth() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(DISTINCT queue_id) FROM recipients WHERE state IN ('queued', 'delivering')")) ?? 0
        }
    }

    /// What `mxgp ctl queue` shows: per message, its waiting recipients grouped by next
    /// hop and state, oldest message first.
    public func queueListing() async throws -> [QueueEntry] {
        try await pool.read { db in try QueueReader.listing(db) }
    }
}

enum QueueWriter {
    /// Runs `sql` (ending in `queue_id = ? AND address = ?`) for each recipient.
    static func setState(
        _ db: Database, queueId: String, recipients: [String], sql: String, leading: [(any DatabaseValueConvertible)?]
    ) throws {
        for address in recipients {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(leading + [queueId, address]))
        }
    }

    /// Deletes the message (and, by cascade, its delivered rows) when nothing is left to do.
    static func deleteIfDone(_ db: Database, queueId: String) throws {
        try db.cachedStatement(sql: """
                DELETE FROM messages WHERE id = ? AND NOT EXISTS (
                    SELECT 1 FROM recipients WHERE queue_id = ? AND state IN ('queued', 'delivering', 'bounced'))
                """).execute(arguments: [queueId, queueId])
    }
}

enum QueueReader {
    /// The message `id` with the recipients matching `recipientFilter`; nil if none match.
    static func delivery(
        _ db: Database, id: String, recipientFilter: String, arguments: [(any DatabaseValueConvertible)?]
    ) throws -> QueuedDelivery? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        let recipients = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM recipients WHERE queue_id = ? AND \(recipientFilter) ORDER BY address"),
            arguments: StatementArguments([id] + arguments)).map(recipient)
        guard !recipients.isEmpty else { return nil }
        return QueuedDelivery(
            id: row["id"], messageId: row["message_id"], envelopeFrom: row["envelope_from"], data: row["data"],
            size: row["size"], receivedAt: Date(storeSeconds: row["received_at"]), receivedFrom: row["received_from"],
            hops: HopsJSON.decode(row["hops"]), recipients: recipients)
    }

    static func recipient(_ row: Row) -> QueuedRecipient {
        QueuedRecipient(
            address: row["address"], domain: row["domain"], attempts: row["attempts"], lastError: row["last_error"],
            nextHop: row["next_hop"], nextAttemptAt: Date(storeSeconds: row["next_attempt_at"]))
    }

    static func listing(_ db: Database) throws -> [QueueEntry] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT m.id, m.message_id, m.envelope_from, m.received_at, m.size,
                       r.address, r.state, r.next_hop, r.attempts, r.last_error, r.next_attempt_at
                FROM messages m JOIN recipients r ON r.queue_id = m.id
                WHERE r.state IN ('queued', 'delivering', 'bounced')
                ORDER BY m.received_at, m.id, r.address
                """))
        var entries: [QueueEntry] = []
        var index: [String: Int] = [:]
        for row in rows {
            let id: String = row["id"]
            let state = RecipientState(rawValue: row["state"]) ?? .queued
            let nextHop: String? = row["next_hop"]
            let key = "\(id)\u{0}\(state.rawValue)\u{0}\(nextHop ?? "")"
            let attempts: Int = row["attempts"]
            let lastError: String? = row["last_error"]
            let nextAttemptAt = Date(storeSeconds: row["next_attempt_at"])
            if let i = index[key] {
                entries[i].to.append(row["address"])
                entries[i].attempts = max(entries[i].attempts, attempts)
                entries[i].lastError = entries[i].lastError ?? lastError
                entries[i].nextAttemptAt = min(entries[i].nextAttemptAt, nextAttemptAt)
            } else {
                index[key] = entries.count
                entries.append(QueueEntry(
                    id: id, messageId: row["message_id"], from: row["envelope_from"], to: [row["address"]],
                    nextHop: nextHop, state: state, attempts: attempts, lastError: lastError,
                    nextAttemptAt: nextAttemptAt, receivedAt: Date(storeSeconds: row["received_at"]), size: row["size"]))
            }
        }
        return entries
    }
}
