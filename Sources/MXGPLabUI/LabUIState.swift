import Foundation
import MXGPLab

/// One node as the page shows it live.
public struct LabUINode: Codable, Sendable, Hashable {
    /// `running`, `paused` or `stopped`.
    public var process: String
    /// Each neighbour's session state (`established`, `idle`, …), as the node reports it.
    public var sessions: [String: String]
    /// Messages waiting in the node's queue; nil when the node did not answer.
    public var queue: Int?
    /// Why the node could not be asked, if it could not.
    public var problem: String?

    public init(process: String, sessions: [String: String] = [:], queue: Int? = nil, problem: String? = nil) {
        self.process = process
        self.sessions = sessions
        self.queue = queue
        self.problem = problem
    }
}

/// An active fault and what it breaks on the drawing.
public struct LabUIFault: Codable, Sendable, Hashable {
    /// The fault as `mxgp lab fault` writes it (`cut colo1 up1`).
    public var text: String
    /// Its kind (`cut`, `kill`, …).
    public var kind: String
    /// The links it breaks, as sorted name pairs.
    public var links: [[String]]
    /// The nodes it breaks.
    public var nodes: [String]

    /// The view of `fault` in `plan`.
    public init(_ fault: LabFault, plan: LabPlan) {
        text = fault.description
        kind = String(fault.description.split(separator: " ").first ?? "")
        switch fault {
        case .cut(let a, let b, _), .down(let a, let b), .loss(let a, let b, _), .rate(let a, let b, _), .delay(let a, let b, _, _):
            links = [[a, b].sorted()]
            nodes = []
        case .partition(let members):
            links = FaultCommands.crossing(members, plan).map { [$0.a, $0.b].sorted() }
            nodes = []
        case .kill(let node), .pause(let node), .restart(let node), .smtpTempfail(let node, _):
            links = []
            nodes = [node]
        case .sessionReset(let a, let b):
            links = [[a, b].sorted()]
            nodes = []
        }
    }
}

/// A message the page draws: its path and what became of it.
public struct LabUIMessage: Codable, Sendable, Hashable {
    /// What became of a message.
    public enum Status: String, Codable, Sendable {
        /// In one mailbox, once.
        case delivered
        /// In a mailbox more than once.
        case duplicated
        /// Waiting in some node's queue.
        case queued
        /// Seen queued, now in no queue and in no mailbox.
        case lost
    }
    /// `messageId recipient`: one message to one recipient.
    public var key: String
    public var messageId: String
    public var to: String
    /// Nodes crossed, first relay first, receiving node last (delivered); the queues it was
    /// seen in so far (queued, lost).
    public var hops: [String]
    public var copies: Int
    public var status: Status
    /// When the page's server first saw it (ISO 8601).
    public var seenAt: String
}

/// Everything live the page shows, as the poller last saw it.
public struct LabUISnapshot: Codable, Sendable, Hashable {
    public var nodes: [String: LabUINode]
    public var faults: [LabUIFault]
    public var messages: [LabUIMessage]

    public init(nodes: [String: LabUINode] = [:], faults: [LabUIFault] = [], messages: [LabUIMessage] = []) {
        self.nodes = nodes
        self.faults = faults
        self.messages = messages
    }

    /// What changed from `old` to this snapshot, or nil when nothing did.
    public func delta(from old: LabUISnapshot, sequence: Int) -> LabUIDelta? {
        var delta = LabUIDelta(sequence: sequence)
        for (name, node) in nodes where old.nodes[name] != node { delta.nodes[name] = node }
        if faults != old.faults { delta.faults = faults }
        let before = Dictionary(old.messages.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        delta.messages = messages.filter { before[$0.key] != $0 }
        let now = Set(messages.map(\.key))
        delta.removedMessages = old.messages.map(\.key).filter { !now.contains($0) }
        return delta.isEmpty ? nil : delta
    }

    /// `delta` applied to this snapshot (what the page does with each event).
    public func applying(_ delta: LabUIDelta) -> LabUISnapshot {
        var next = self
        for (name, node) in delta.nodes { next.nodes[name] = node }
        if let faults = delta.faults { next.faults = faults }
        let removed = Set(delta.removedMessages)
        var messages = next.messages.filter { !removed.contains($0.key) }
        for message in delta.messages {
            if let index = messages.firstIndex(where: { $0.key == message.key }) { messages[index] = message } else { messages.append(message) }
        }
        next.messages = messages
        return next
    }
}

/// The changes between two snapshots, as one server-sent event (`event: delta`).
public struct LabUIDelta: Codable, Sendable, Hashable {
    public var sequence: Int
    /// Nodes whose state changed.
    public var nodes: [String: LabUINode] = [:]
    /// The whole fault list, when it changed.
    public var faults: [LabUIFault]?
    /// Messages new or changed.
    public var messages: [LabUIMessage] = []
    /// Keys of messages no longer shown.
    public var removedMessages: [String] = []

    public init(sequence: Int) { self.sequence = sequence }

    var isEmpty: Bool { nodes.isEmpty && faults == nil && messages.isEmpty && removedMessages.isEmpty }
}
