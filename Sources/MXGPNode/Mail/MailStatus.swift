import Foundation
import MXGPAdminAPI
import MXGPStore

/// What the admin API reads from the mail data plane.
public protocol MailStatusProvider: Sendable {
    func queueEntries() async throws -> [AdminQueueEntry]
    func mailboxMessages(address: String) async throws -> [AdminMailboxMessage]
    func ledgerEntries() async throws -> [AdminLedgerEntry]
}

extension NodeStore: MailStatusProvider {
    public func queueEntries() async throws -> [AdminQueueEntry] {
        let iso = ISO8601DateFormatter()
        return try await queueListing().map { entry in
            AdminQueueEntry(
                id: entry.id, messageId: entry.messageId ?? "", from: entry.from, to: entry.to, nextHop: entry.nextHop,
                attempts: entry.attempts, nextAttemptAt: iso.string(from: entry.nextAttemptAt), lastError: entry.lastError)
        }
    }

    public func mailboxMessages(address: String) async throws -> [AdminMailboxMessage] {
        try await mailbox(address: address).map { message in
            AdminMailboxMessage(messageId: message.messageId, from: message.from, to: message.to, subject: message.subject, receivedAt: message.receivedAt, hops: message.hops)
        }
    }

    public func ledgerEntries() async throws -> [AdminLedgerEntry] {
        try await ledger().map { entry in
            AdminLedgerEntry(
                neighbour: entry.neighbour, messagesIn: entry.messagesIn, messagesOut: entry.messagesOut, bytesIn: entry.bytesIn,
                bytesOut: entry.bytesOut, owed: entry.owed, earned: entry.earned, chargebacks: entry.chargebacks,
                complaints: entry.complaints, chargebacksPayable: entry.chargebacksPayable, complaintsPayable: entry.complaintsPayable)
        }
    }
}
