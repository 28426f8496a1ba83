import Foundation
import GRDB

/// The per-neighbour ledger (DESIGN §4). `accept` and `delivered` can book in the same
/// transaction as the message; these methods book on their own.
extension NodeStore {
    /// A message of `bytes` received from `neighbour`, which owes `price` for it.
    public func recordIn(neighbour: String, bytes: Int, price: Int) async throws {
        try await pool.write { db in try LedgerWriter.book(db, neighbour: neighbour, inbound: true, bytes: bytes, price: price) }
    }

    /// A message of `bytes` handed to `neighbour`, which this node owes `price` for.
    public func recordOut(neighbour: String, bytes: Int, price: Int) async throws {
        try await pool.write { db in try LedgerWriter.book(db, neighbour: neighbour, inbound: false, bytes: bytes, price: price) }
    }

    /// A spam complaint booked against `neighbour` (the one the message came from).
    public func recordChargeback(neighbour: String, amount: Int) async throws {
        try await pool.write { db in
            try LedgerWriter.ensure(db, neighbour: neighbour)
            try db.cachedStatement(sql: "UPDATE ledger SET chargebacks = chargebacks + ?, complaints = complaints + 1 WHERE neighbour = ?")
                .execute(arguments: [amount, neighbour])
        }
    }

    /// Every neighbour's account, by name.
    public func ledger() async throws -> [LedgerEntry] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM ledger ORDER BY neighbour")).map { row in
                LedgerEntry(
                    neighbour: row["neighbour"], messagesIn: row["messages_in"], bytesIn: row["bytes_in"],
                    messagesOut: row["messages_out"], bytesOut: row["bytes_out"], owed: row["owed"],
                    earned: row["earned"], chargebacks: row["chargebacks"], complaints: row["complaints"],
                    chargebacksPayable: row["chargebacks_payable"], complaintsPayable: row["complaints_payable"])
            }
        }
    }
}

enum LedgerWriter {
    static func ensure(_ db: Database, neighbour: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO ledger (neighbour) VALUES (?)").execute(arguments: [neighbour])
    }

    static func book(_ db: Database, neighbour: String, inbound: Bool, bytes: Int, price: Int) throws {
        try ensure(db, neighbour: neighbour)
        let sql = inbound
            ? "UPDATE ledger SET messages_in = messages_in + 1, bytes_in = bytes_in + ?, earned = earned + ? WHERE neighbour = ?"
            : "UPDATE ledger SET messages_out = messages_out + 1, bytes_out = bytes_out + ?, owed = owed + ? WHERE neighbour = ?"
        try db.cachedStatement(sql: sql).execute(arguments: [bytes, price, neighbour])
    }
}
