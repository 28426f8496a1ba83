import Foundation
import MXGPAdminAPI
import MXGPTopology

/// What a scenario runs against: a lab that is up (``LabScenarioTarget``, wall clock) or the
/// simulator (``SimScenarioTarget``, virtual clock). The runner reads time, sends mail, applies
/// faults and asks what a node knows only through this, so both give the same reports.
public protocol ScenarioTarget: Sendable {
    /// The lab's name, for the report.
    var name: String { get }
    /// The topology the nodes run.
    var topology: Topology { get }
    /// Time since the run began.
    func elapsed() async -> Duration
    /// Lets `duration` pass.
    func pause(for duration: Duration) async
    /// The ISO 8601 time the run began, given how long it has run.
    func startStamp(running seconds: Double) -> String
    /// Starts a send step; the closure returned waits until every message was answered and
    /// returns the answers (Message-ID without brackets, `accepted`/`deferred`/`rejected`).
    func startSend(_ send: ScenarioSend, sender: String, subject: String, id: String) async -> @Sendable () async -> [(messageId: String, status: String)]
    /// Applies a fault.
    func apply(_ fault: LabFault) async throws
    /// Heals every fault (nil) or one; returns the faults undone.
    func heal(_ fault: LabFault?) async throws -> [LabFault]
    /// A node's best routes by domain.
    func routes(_ node: String) async throws -> [String: RouteKey]
    /// A node's sessions: neighbour and state (`established`, `active`, …).
    func peers(_ node: String) async throws -> [(name: String, state: String)]
    /// The messages in a mailbox of a node.
    func mailbox(_ node: String, _ address: String) async throws -> [AdminMailboxMessage]
    /// Messages waiting in a node's queue.
    func queueDepth(_ node: String) async throws -> Int
    /// A node's ledger.
    func ledger(_ node: String) async throws -> [AdminLedgerEntry]
    /// Files a spam complaint at a node about a message in one of its mailboxes.
    func complain(_ node: String, messageId: String) async throws -> ScenarioComplaint
    /// Seconds from the run's start to a mailbox time as the target's nodes report it
    /// (`receivedAt`); nil when it cannot tell.
    func runSeconds(receivedAt: String) async -> Double?
    /// When the source relay accepted a message (Message-ID without brackets), on the clock the
    /// mailboxes' `receivedAt` uses; nil when unknown (the delay is then not reported).
    func submittedAt(_ messageId: String) -> Date?
}

extension ScenarioTarget {
    /// Unknown by default.
    public func runSeconds(receivedAt: String) async -> Double? { nil }
    public func submittedAt(_ messageId: String) -> Date? { nil }
}

/// What a complaint did at the node where it was filed.
public struct ScenarioComplaint: Sendable, Hashable, Decodable {
    public var bookedAgainst: String?
    public var amount: Int
    public var forwardedTo: String?

    public init(bookedAgainst: String?, amount: Int, forwardedTo: String?) {
        self.bookedAgainst = bookedAgainst
        self.amount = amount
        self.forwardedTo = forwardedTo
    }
}
