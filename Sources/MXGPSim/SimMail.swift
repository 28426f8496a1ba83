import MXGPCore
import MXGPSMTP
import MXGPTopology

/// Timers and limits of the simulated mail plane: the `lab` timer profile the lab's nodes run
/// with (MailSettings(config:) for `timers: lab`), so the simulation fails over like a lab.
public struct SimMailTimers: Sendable, Hashable {
    /// Longest one SMTP transaction may take before the next hop counts as failed.
    public var transactionTimeout: Duration = .seconds(5)
    /// Penalty of a failing next hop after its first failure (grows quadratically).
    public var nextHopPenalty: Duration = .milliseconds(500)
    /// Retry delay after the n-th failed attempt: base × n², capped (seconds).
    public var retryBase = 0.5
    public var retryCap = 600.0
    /// A queued message older than this bounces.
    public var lifetime: Duration = .seconds(5 * 86400)
    /// Gap between the messages of a send step without a rate (a local client on loopback).
    public var submissionGap: Duration = .milliseconds(5)
    /// TCP's first retransmission timeout on a lossy link (doubles per consecutive loss).
    public var retransmissionTimeout: Duration = .milliseconds(200)
    /// Median delivery latency above which a next hop is degraded, and how long it is avoided
    /// before a probe: the lab profile's `timers.slow-next-hop` and `slow-next-hop-retry`.
    public var slowNextHop: Duration? = NodeConfig.Timers.lab.slowNextHop
    public var slowNextHopRetry: Duration = NodeConfig.Timers.lab.slowNextHopRetry

    public init() {}

    /// Takes the timers a topology sets for every node of its lab (`timers:`).
    public mutating func apply(_ timers: TopologyTimers) {
        if let limit = timers.slowNextHop { slowNextHop = limit.duration }
        if let retry = timers.slowNextHopRetry { slowNextHopRetry = retry }
    }

    /// A fresh slow-next-hop rule with these timers.
    var slowNextHops: SlowNextHops { SlowNextHops(limit: slowNextHop, retryAfter: slowNextHopRetry) }
}

/// One neighbour's account at a node, as a node's ledger keeps it.
public struct SimLedgerEntry: Sendable, Hashable {
    public var neighbour: String
    public var messagesIn = 0, messagesOut = 0, bytesIn = 0, bytesOut = 0
    public var owed = 0, earned = 0, chargebacks = 0, complaints = 0
    /// Chargebacks this node owes the neighbour for complaints about mail it handed over, and how many.
    public var chargebacksPayable = 0, complaintsPayable = 0
}

/// A message in a simulated mailbox.
public struct SimMailboxMessage: Sendable, Hashable {
    public var messageId: String
    public var from: String
    public var to: String
    public var subject: String
    /// Virtual time it was stored.
    public var receivedAt: Duration
    /// Nodes it crossed, from its Received lines: first relay first, this node last.
    public var hops: [String]
    /// The stored bytes (with this node's Received line).
    var data: [UInt8]
}

/// What a node answered to one submitted message (`mxgp send`'s statuses).
public struct SimSubmission: Sendable, Hashable {
    /// Message-ID without angle brackets.
    public var messageId: String
    /// `accepted` (250), `deferred` (4xx) or `rejected` (5xx).
    public var status: String
    /// The reply the relay gave.
    public var reply: String
}

/// What happened to a complaint at the node where it was filed.
public struct SimComplaintOutcome: Sendable, Hashable {
    public var bookedAgainst: String?
    public var amount: Int
    public var forwardedTo: String?
    public var stopped: String?
}

/// How a link is impaired (the lab's loss, rate and delay faults, modelled).
struct SimLinkCondition: Hashable {
    var lossPercent: Double = 0
    var rateKbit: Int?
    var delay: Duration = .zero
    var jitter: Duration = .zero
}

/// A message waiting in a node's queue.
struct SimQueued {
    var id: Int
    var messageId: String
    var envelopeFrom: String
    var recipients: [String]
    var data: [UInt8]
    var receivedAt: Duration
    var attempts = 0
    var nextAttempt: Duration
    var inFlight = false
}

/// The durable mail state of one node (queue, mailboxes, ledger survive a restart, as the
/// node's SQLite store does) and its in-memory relay state (next-hop health, rate windows).
struct SimNodeMail {
    var queue: [SimQueued] = []
    var mailboxes: [String: [SimMailboxMessage]] = [:]
    var ledger: [String: SimLedgerEntry] = [:]
    var health: NextHopHealth
    /// Next hops whose recent deliveries are slow (the delivery engine's `SlowNextHops`).
    var slow: SlowNextHops
    var meter = RateWindow(window: .seconds(60))
    var tempfailPercent = 0
    /// The node's own load against its topology `overload:` (the node's monitor); nil: never drains.
    var overload: OverloadMonitor?
    /// Message-IDs this node took custody of (dedupe) and handed on (complaint checks).
    var seen: Set<String> = []
    var carried: Set<String> = []
    /// Complaints already booked, by Message-ID.
    var complaints: Set<String> = []
    var tickAt: Duration?
    /// Bounces to return: (queued message, failed recipients with their replies).
    var bounces: [(message: SimQueued, failures: [RelayAttempt.Bounce])] = []

    mutating func book(_ neighbour: String, _ change: (inout SimLedgerEntry) -> Void) {
        change(&ledger[neighbour, default: SimLedgerEntry(neighbour: neighbour)])
    }
}

/// One delivery attempt on its way: applied when its SMTP dialogue ends.
struct SimAttempt {
    var node: Int
    var queueID: Int
    var candidates: [NextHopCandidate]
    var index: Int
    var recipients: [String]
    var outcome: SMTPClientOutcome
    /// What the next hop stores when the attempt succeeds (applied at the end, if it is still up).
    var custody: SimCustody?
    var lastError: String
    /// When the attempt began (a transaction cut off mid-way fails at start + timeout).
    var started: Duration
    /// Set once the link failed under the transaction: the outcome is a timeout, due at start + timeout.
    var cutOff = false
}

/// A message a node takes into custody.
struct SimCustody {
    var node: Int
    var fromNeighbour: String?
    var envelopeFrom: String
    var recipients: [String]
    var data: [UInt8]
}
