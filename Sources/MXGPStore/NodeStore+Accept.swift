import Foundation
import GRDB

extension NodeStore {
    /// Makes `incoming` durable and returns once it is committed: the SMTP session may
    /// answer 250 after this returns, and must answer 4xx if it throws.
    ///
    /// Own-domain recipients go to their mailboxes, others into the queue, in the same
    /// transaction. A recipient that already received this Message-ID with the same body
    /// digest is skipped (a retry after a lost 250, RFC 1047); when every recipient is
    /// skipped the result is `.duplicate`. Messages without a Message-ID are never
    /// deduplicated. Concurrent calls share transactions (group commit).
    public func accept(_ incoming: IncomingMessage) async throws -> AcceptResult {
        let prepared = try PreparedMessage(incoming)
        return try await committer.submit(prepared)
    }
}

/// An incoming message with everything computed that needs no database: id, digest,
/// header fields and normalised recipients, so the shared transaction stays short.
struct PreparedMessage: Sendable {
    struct Recipient: Sendable {
        var address: String
        var key: String
        var domain: String
        var local: Bool
    }

    var id: String
    var incoming: IncomingMessage
    var messageId: String?
    var digest: String
    var subject: String
    var recipients: [Recipient]
    var hopsJSON: String

    init(_ incoming: IncomingMessage) throws {
        let text = MessageText(incoming.data)
        var seen: Set<String> = []
        recipients = incoming.recipients.compactMap { recipient in
            let address = recipient.address.trimmingCharacters(in: .whitespaces)
            let key = Address.normalised(address)
            guard seen.insert(key).inserted else { return nil }
            return Recipient(
                address: recipient.local ? key : address, key: key,
                domain: Address.domain(of: address), local: recipient.local)
        }
        guard !recipients.isEmpty else { throw StoreError.noRecipients }
        self.incoming = incoming
        id = QueueID.make(incoming.receivedAt)
        messageId = incoming.messageId ?? text.messageId
        digest = text.bodyDigest
        subject = text.subject
        hopsJSON = HopsJSON.encode(incoming.hops)
    }
}

/// The SQL of one accepted message, run inside the group transaction (in a savepoint).
enum AcceptWriter {
    static func store(_ message: PreparedMessage, in db: Database) throws -> AcceptResult {
        let incoming = message.incoming
        let now = incoming.receivedAt.storeSeconds
        var fresh = message.recipients
        var existingId: String?
        if let messageId = message.messageId {
            fresh = []
            for recipient in message.recipients {
                let seen = try String.fetchOne(db.cachedStatement(sql: "SELECT queue_id FROM dedupe WHERE message_id = ? AND digest = ? AND recipient = ?"),
                    arguments: [messageId, message.digest, recipient.key])
                if let seen {
                    existingId = existingId ?? seen
                } else {
                    fresh.append(recipient)
                    try db.cachedStatement(sql: "INSERT INTO dedupe (message_id, digest, recipient, queue_id, first_seen) VALUES (?, ?, ?, ?, ?)")
                        .execute(arguments: [messageId, message.digest, recipient.key, message.id, now])
                }
            }
        }
        if fresh.isEmpty, let existingId { return .duplicate(existingId: existingId) }

        let size = incoming.data.count
        for recipient in fresh where recipient.local {
            try db.cachedStatement(sql: """
                    INSERT INTO mailbox (address, queue_id, message_id, digest, envelope_from, subject,
                                         received_at, hops, size, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    recipient.key, message.id, message.messageId, message.digest, incoming.envelopeFrom,
                    message.subject, now, message.hopsJSON, size, incoming.data,
                ])
        }
        let relayed = fresh.filter { !$0.local }
        if !relayed.isEmpty {
            try db.cachedStatement(sql: """
                    INSERT INTO messages (id, message_id, digest, envelope_from, data, size, received_at,
                                          received_from, hops)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    message.id, message.messageId, message.digest, incoming.envelopeFrom, incoming.data, size,
                    now, incoming.receivedFrom, message.hopsJSON,
                ])
            for recipient in relayed {
                try db.cachedStatement(sql: """
                        INSERT INTO recipients (queue_id, address, domain, state, attempts, next_attempt_at)
                        VALUES (?, ?, ?, 'queued', 0, ?)
                        """).execute(arguments: [message.id, recipient.address, recipient.domain, now])
            }
        }
        if let price = incoming.ledgerPrice {
            try LedgerWriter.book(db, neighbour: incoming.receivedFrom, inbound: true, bytes: size, price: price)
        }
        return .queued(message.id)
    }
}
