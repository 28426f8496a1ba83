import Foundation
import GRDB

/// Local mailboxes of the node's own domains (read by the admin API and `mxgp ctl mailbox`).
extension NodeStore {
    /// The messages in `address`'s mailbox in the order they were stored (oldest first; two
    /// sessions delivering at once can store a later `received_at` first). Addresses are matched
    /// case-insensitively.
    public func mailbox(address: String) async throws -> [MailboxMessage] {
        let key = Address.normalised(address)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, address, queue_id, message_id, envelope_from, subject, received_at, hops, size
                    FROM mailbox WHERE address = ? ORDER BY id
                    """,
                arguments: [key]
            ).map { row in
                MailboxMessage(
                    id: row["id"], queueId: row["queue_id"], messageId: row["message_id"] ?? "",
                    from: row["envelope_from"], to: row["address"], subject: row["subject"],
                    receivedAt: Date(storeSeconds: row["received_at"]).iso8601, hops: HopsJSON.decode(row["hops"]),
                    size: row["size"])
            }
        }
    }

    /// The `limit` messages delivered last to any local mailbox, oldest first (the lab UI's
    /// "recent mail").
    public func recentMailbox(limit: Int) async throws -> [MailboxMessage] {
        let limit = max(0, min(limit, 1000))
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, address, queue_id, message_id, envelope_from, subject, received_at, hops, size
                    FROM mailbox ORDER BY id DESC LIMIT ?
                    """,
                arguments: [limit]
            ).reversed().map { row in
                MailboxMessage(
                    id: row["id"], queueId: row["queue_id"], messageId: row["message_id"] ?? "",
                    from: row["envelope_from"], to: row["address"], subject: row["subject"],
                    receivedAt: Date(storeSeconds: row["received_at"]).iso8601, hops: HopsJSON.decode(row["hops"]),
                    size: row["size"])
            }
        }
    }

    /// How many messages `address`'s mailbox holds.
    public func mailboxCount(address: String) async throws -> Int {
        let key = Address.normalised(address)
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mailbox WHERE address = ?", arguments: [key]) ?? 0
        }
    }

    /// Every mailbox with at least one message, by address.
    public func allMailboxes() async throws -> [MailboxSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT address, COUNT(*) AS n FROM mailbox GROUP BY address ORDER BY address")
                .map { MailboxSummary(address: $0["address"], count: $0["n"]) }
        }
    }

    /// The full text of mailbox message `id` (see `MailboxMessage.id`); nil if there is none.
    public func mailboxData(id: Int64) async throws -> Data? {
        try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM mailbox WHERE id = ?", arguments: [id])
        }
    }
}
