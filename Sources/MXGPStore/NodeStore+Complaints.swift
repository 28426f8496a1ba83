import Foundation
import GRDB

/// Spam complaints (DESIGN §4): finding the complained-about message, and booking each
/// complaint's chargeback once.
extension NodeStore {
    /// The Message-ID forms a header may have been stored under: without `<>` first, then with.
    public static func messageIDForms(_ messageID: String) -> [String] {
        let bare = messageID.hasPrefix("<") && messageID.hasSuffix(">") ? String(messageID.dropFirst().dropLast()) : messageID
        return [bare, "<\(bare)>"]
    }

    /// The full text of the newest mailbox message with this Message-ID (with or without
    /// angle brackets); nil if no mailbox holds it.
    public func mailboxData(messageID: String) async throws -> Data? {
        let forms = Self.messageIDForms(messageID)
        return try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT data FROM mailbox WHERE message_id IN (?, ?) ORDER BY id DESC LIMIT 1",
                arguments: [forms[0], forms[1]])
        }
    }

    /// True when this node took a message with this Message-ID into custody (its dedupe
    /// record, kept until pruned, or the queue still holding it).
    public func carried(messageID: String) async throws -> Bool {
        let forms = Self.messageIDForms(messageID)
        return try await pool.read { db in
            let seen = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM dedupe WHERE message_id IN (?, ?)", arguments: [forms[0], forms[1]]) ?? 0
            let queued = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM messages WHERE message_id IN (?, ?)", arguments: [forms[0], forms[1]]) ?? 0
            let delivered = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM mailbox WHERE message_id IN (?, ?)", arguments: [forms[0], forms[1]]) ?? 0
            return seen + queued + delivered > 0
        }
    }

    /// Books the chargeback for a complaint about `messageID` against `neighbour`, once:
    /// returns false (and books nothing) when this Message-ID was already booked.
    public func recordComplaint(messageID: String, neighbour: String, amount: Int, at date: Date = Date()) async throws -> Bool {
        try await recordComplaint(messageID: messageID, receivable: ChargebackBooking(neighbour: neighbour, amount: amount), payable: nil, at: date)
    }

    /// Books one complaint about `messageID`, once (false, and nothing booked, when this
    /// Message-ID was already booked): the chargeback `receivable` from the neighbour that
    /// handed the message over, and the chargeback `payable` to the neighbour that sent the
    /// REPORT (PROTOCOL.md §12). Both in one transaction.
    public func recordComplaint(messageID: String, receivable: ChargebackBooking?, payable: ChargebackBooking?, at date: Date = Date()) async throws -> Bool {
        let key = Self.messageIDForms(messageID)[0]
        guard let first = receivable ?? payable else { return false }
        return try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO complaints (message_id, neighbour, amount, booked_at) VALUES (?, ?, ?, ?)",
                arguments: [key, first.neighbour, first.amount, date.storeSeconds])
            guard db.changesCount > 0 else { return false }
            if let receivable {
                try LedgerWriter.ensure(db, neighbour: receivable.neighbour)
                try db.execute(
                    sql: "UPDATE ledger SET chargebacks = chargebacks + ?, complaints = complaints + 1 WHERE neighbour = ?",
                    arguments: [receivable.amount, receivable.neighbour])
            }
            if let payable {
                try LedgerWriter.ensure(db, neighbour: payable.neighbour)
                try db.execute(
                    sql: "UPDATE ledger SET chargebacks_payable = chargebacks_payable + ?, complaints_payable = complaints_payable + 1 WHERE neighbour = ?",
                    arguments: [payable.amount, payable.neighbour])
            }
            return true
        }
    }
}

/// One side of a complaint's booking: the neighbour and the chargeback amount.
public struct ChargebackBooking: Sendable, Hashable {
    public var neighbour: String
    public var amount: Int

    public init(neighbour: String, amount: Int) {
        self.neighbour = neighbour
        self.amount = amount
    }
}
