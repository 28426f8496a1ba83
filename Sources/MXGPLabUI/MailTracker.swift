import Foundation
import MXGPAdminAPI

/// Follows the lab's mail from what the poller sees: the nodes' recent mailbox deliveries and
/// their queues. A message to a recipient is delivered (once or more: duplicated), queued, or
/// lost: seen in a queue, then in no queue and in no mailbox for `lostAfter`. Pure: time is
/// passed in.
public struct MailTracker: Sendable {
    struct Tracked: Sendable {
        var messageId: String
        var to: String
        var firstSeen: Date
        var lastQueued: Date?
        var queuedAt: [String] = []
        var hops: [String] = []
        var copies = 0
        var delivered = false
    }

    /// How many messages the page shows (the latest).
    public var limit: Int
    /// How long a message may be in no queue and no mailbox before it counts as lost.
    public var lostAfter: TimeInterval
    var tracked: [String: Tracked] = [:]

    public init(limit: Int = 60, lostAfter: TimeInterval = 10) {
        self.limit = limit
        self.lostAfter = lostAfter
    }

    static func key(_ messageId: String, _ to: String) -> String { "\(messageId) \(to.lowercased())" }

    /// Takes in one poll: every answering node's recent deliveries and queue entries.
    public mutating func observe(mailboxes: [String: [AdminMailboxMessage]], queues: [String: [AdminQueueEntry]], now: Date) {
        var copies: [String: (count: Int, hops: [String])] = [:]
        for node in mailboxes.keys.sorted() {
            for message in mailboxes[node] ?? [] where !message.messageId.isEmpty {
                let key = Self.key(message.messageId, message.to)
                if tracked[key] == nil { tracked[key] = Tracked(messageId: message.messageId, to: message.to.lowercased(), firstSeen: now) }
                let seen = copies[key]
                copies[key] = ((seen?.count ?? 0) + 1, seen?.hops ?? message.hops)
            }
        }
        var queued: [String: [String]] = [:]
        for node in queues.keys.sorted() {
            for entry in queues[node] ?? [] where !entry.messageId.isEmpty {
                for to in entry.to {
                    let key = Self.key(entry.messageId, to)
                    if tracked[key] == nil { tracked[key] = Tracked(messageId: entry.messageId, to: to.lowercased(), firstSeen: now) }
                    queued[key, default: []].append(node)
                }
            }
        }
        for (key, value) in copies where value.count >= (tracked[key]?.copies ?? 0) {
            tracked[key]?.copies = value.count
            tracked[key]?.hops = value.hops
            tracked[key]?.delivered = true
        }
        for (key, nodes) in queued {
            tracked[key]?.lastQueued = now
            for node in nodes where tracked[key]?.queuedAt.contains(node) == false { tracked[key]?.queuedAt.append(node) }
        }
        // Forget the oldest beyond twice the limit.
        if tracked.count > limit * 2 {
            let keep = tracked.sorted { ($0.value.firstSeen, $0.key) > ($1.value.firstSeen, $1.key) }.prefix(limit * 2)
            tracked = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
        current = queued
    }
    var current: [String: [String]] = [:]

    /// The latest `limit` messages, oldest first.
    public func messages(now: Date) -> [LabUIMessage] {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let latest = tracked.sorted { ($0.value.firstSeen, $0.key) < ($1.value.firstSeen, $1.key) }.suffix(limit)
        return latest.map { key, message in
            let status: LabUIMessage.Status
            if message.delivered {
                status = message.copies > 1 ? .duplicated : .delivered
            } else if current[key] != nil {
                status = .queued
            } else if let last = message.lastQueued, now.timeIntervalSince(last) >= lostAfter {
                status = .lost
            } else {
                status = .queued
            }
            return LabUIMessage(key: key, messageId: message.messageId, to: message.to, hops: message.delivered ? message.hops : message.queuedAt,
                                copies: message.copies, status: status, seenAt: iso.string(from: message.firstSeen))
        }
    }
}
