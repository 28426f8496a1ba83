import Foundation

/// A message the SMTP server finished receiving (end of DATA), to be made durable.
public struct IncomingMessage: Sendable {
    /// One envelope recipient and whether it is delivered here (own domain) or relayed.
    public struct Recipient: Sendable, Hashable {
        public var address: String
        /// True when the address is in one of the node's own domains: it goes to the mailbox.
        public var local: Bool
        public init(address: String, local: Bool) {
            self.address = address
            self.local = local
        }
    }

    /// `MAIL FROM` (empty for the null sender `<>`, as in a DSN).
    public var envelopeFrom: String
    public var recipients: [Recipient]
    /// The message text as received (dot-unstuffed), headers and body.
    public var data: Data
    /// The neighbour name the message came from, or the client address.
    public var receivedFrom: String
    /// Node names the message crossed, first relay first, this node last.
    public var hops: [String]
    public var receivedAt: Date
    /// Overrides the `Message-ID` header; nil reads it from `data`.
    public var messageId: String?
    /// Books the message in the ledger against `receivedFrom` at this price (only when
    /// it is not a duplicate, in the same transaction); nil books nothing (a local client).
    public var ledgerPrice: Int?

    public init(
        envelopeFrom: String, recipients: [Recipient], data: Data, receivedFrom: String,
        hops: [String], receivedAt: Date = Date(), messageId: String? = nil, ledgerPrice: Int? = nil
    ) {
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.data = data
        self.receivedFrom = receivedFrom
        self.hops = hops
        self.receivedAt = receivedAt
        self.messageId = messageId
        self.ledgerPrice = ledgerPrice
    }

    /// Classifies plain addresses: those whose domain is in `ownDomains` (lower case) are local.
    public init(
        envelopeFrom: String, recipients: [String], ownDomains: Set<String>, data: Data, receivedFrom: String,
        hops: [String], receivedAt: Date = Date(), messageId: String? = nil, ledgerPrice: Int? = nil
    ) {
        self.init(
            envelopeFrom: envelopeFrom,
            recipients: recipients.map { Recipient(address: $0, local: ownDomains.contains(Address.domain(of: $0))) },
            data: data, receivedFrom: receivedFrom, hops: hops, receivedAt: receivedAt,
            messageId: messageId, ledgerPrice: ledgerPrice)
    }
}

/// What `accept` did. Either way the caller answers 250: the message is durable.
public enum AcceptResult: Sendable, Hashable {
    /// Stored under this node-local queue id (queued and/or delivered to mailboxes).
    /// When only some recipients had been seen before, only the new ones were stored.
    case queued(String)
    /// Every recipient had already received this Message-ID and body (a retry after a
    /// lost 250): nothing was stored again. Carries the queue id of the first copy.
    case duplicate(existingId: String)

    /// The queue id in both cases.
    public var id: String {
        switch self {
        case .queued(let id), .duplicate(let id): return id
        }
    }
}

/// The life of one recipient in the queue.
public enum RecipientState: String, Sendable, Codable, CaseIterable {
    /// Waiting for `nextAttemptAt`.
    case queued
    /// Handed to the delivery engine; goes back to `queued` on `recover()`.
    case delivering
    /// The next hop answered 250; the row goes when the message does.
    case delivered
    /// Failed permanently; waits in the queue until its DSN is queued (`dsnQueued`).
    case bounced
}

/// A recipient waiting for delivery.
public struct QueuedRecipient: Sendable, Hashable {
    public var address: String
    /// Lower-case domain of `address`.
    public var domain: String
    public var attempts: Int
    public var lastError: String?
    /// The next hop of the last attempt, if any.
    public var nextHop: String?
    public var nextAttemptAt: Date
}

/// A message with its due (or expired) recipients, everything the delivery engine
/// or a DSN needs: the original envelope and text.
public struct QueuedDelivery: Sendable {
    /// Node-local queue id.
    public var id: String
    public var messageId: String?
    public var envelopeFrom: String
    public var data: Data
    public var size: Int
    public var receivedAt: Date
    public var receivedFrom: String
    public var hops: [String]
    public var recipients: [QueuedRecipient]
}

/// A bounced recipient waiting for its DSN.
public struct BouncedRecipient: Sendable, Hashable {
    public var address: String
    /// The reply (or reason) that made the recipient fail, e.g. `550 5.1.1 no such user`.
    public var reply: String
}

/// A message whose bounced recipients need a DSN (RFC 3464) back to `envelopeFrom`.
public struct PendingBounce: Sendable {
    public var id: String
    public var messageId: String?
    /// Empty for the null sender: then no DSN is sent (never bounce a bounce).
    public var envelopeFrom: String
    public var data: Data
    public var receivedAt: Date
    public var receivedFrom: String
    public var hops: [String]
    public var recipients: [BouncedRecipient]
}

/// One line of `mxgp ctl queue`: a message's recipients that share a next hop and state.
public struct QueueEntry: Sendable, Hashable, Codable {
    public var id: String
    public var messageId: String?
    public var from: String
    public var to: [String]
    /// The next hop of the last (or current) attempt; nil before the first one.
    public var nextHop: String?
    public var state: RecipientState
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date
    public var receivedAt: Date
    public var size: Int
}

/// A message in a local mailbox. Its JSON (`JSONEncoder` default strategies) has the
/// fields of DESIGN §8: `messageId`, `from`, `to`, `subject`, `receivedAt` (ISO 8601),
/// `hops`, plus `id`, `queueId` and `size`.
public struct MailboxMessage: Sendable, Hashable, Codable {
    /// Row id in the mailbox (for `mailboxData(id:)`).
    public var id: Int64
    /// The node-local queue id the message was accepted under.
    public var queueId: String
    /// The `Message-ID` header, or "" when the message had none.
    public var messageId: String
    /// The envelope sender (`MAIL FROM`).
    public var from: String
    /// The mailbox address.
    public var to: String
    public var subject: String
    /// ISO 8601 (UTC, fractional seconds) time this node stored the message.
    public var receivedAt: String
    /// Node names in the order the message crossed them, this node last.
    public var hops: [String]
    public var size: Int
}

/// A mailbox and how many messages it holds.
public struct MailboxSummary: Sendable, Hashable, Codable {
    public var address: String
    public var count: Int
}

/// One neighbour's account (DESIGN §4). Money is in the contract's unit.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var neighbour: String
    public var messagesIn: Int
    public var bytesIn: Int
    public var messagesOut: Int
    public var bytesOut: Int
    /// What this node owes the neighbour (messages it sent through it).
    public var owed: Int
    /// What the neighbour owes this node (messages this node carried for it).
    public var earned: Int
    /// Chargebacks booked against the neighbour (spam complaints), total amount: receivable.
    public var chargebacks: Int
    /// Number of complaints booked.
    public var complaints: Int
    /// Chargebacks this node owes the neighbour for complaints about mail it handed over: payable.
    public var chargebacksPayable: Int = 0
    /// Number of those complaints.
    public var complaintsPayable: Int = 0
}

/// Group commit counters: `commits` is below `calls` when sessions shared fsyncs.
public struct GroupCommitStats: Sendable, Hashable {
    /// `accept` calls answered (stored or duplicate).
    public var calls: Int
    /// Write transactions committed for them.
    public var commits: Int
    /// The most calls one transaction carried.
    public var largestBatch: Int
    /// Delivery bookkeeping calls (claimed, delivered, deferred) answered, failed ones included.
    public var bookkeepingCalls = 0
    /// Transactions that carried bookkeeping and no `accept` (committed without an fsync).
    public var bookkeepingCommits = 0

    public init(calls: Int, commits: Int, largestBatch: Int, bookkeepingCalls: Int = 0, bookkeepingCommits: Int = 0) {
        self.calls = calls
        self.commits = commits
        self.largestBatch = largestBatch
        self.bookkeepingCalls = bookkeepingCalls
        self.bookkeepingCommits = bookkeepingCommits
    }
}

/// Errors from the store, each naming what failed and what to do next.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case cannotCreateDirectory(String, underlying: String)
    case noRecipients
    case unknownMessage(String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let underlying):
            return "cannot create the store directory \(path): \(underlying); check the path and its permissions"
        case .noRecipients:
            return "a message without recipients cannot be accepted; the SMTP session must reject DATA before RCPT"
        case .unknownMessage(let id):
            return "no queued message with id \(id); it may have been delivered or bounced already"
        }
    }
}

/// Address helpers shared by the store.
enum Address {
    /// The lower-case domain after the last `@` ("" when there is none).
    static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...].lowercased()
    }

    /// The key for mailboxes and dedupe: trimmed, lower case.
    static func normalised(_ address: String) -> String {
        address.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// Time stamps in the database are seconds since 1970 (REAL).
extension Date {
    var storeSeconds: Double { timeIntervalSince1970 }
    init(storeSeconds: Double) { self.init(timeIntervalSince1970: storeSeconds) }

    /// ISO 8601 UTC with milliseconds, as the admin API shows times.
    var iso8601: String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC")!
        return formatted(style)
    }
}
