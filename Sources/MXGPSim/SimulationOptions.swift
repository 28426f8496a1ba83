import MXGPCore
import MXGPTopology

/// Settings of one simulation run.
public struct SimulationOptions: Sendable {
    /// Seed for link latencies and start offsets: same seed, same run.
    public var seed: UInt64
    /// One-way latency of every link is drawn from this range (virtual time).
    public var latency: ClosedRange<Int>
    /// Hold time in seconds (keepalive is a third of it).
    public var holdTime: UInt16
    /// Fast liveness interval in milliseconds (labs use 300 ms), nil for none.
    public var fastLivenessMilliseconds: UInt16?
    /// Coalescing delay before a node sends its route changes (like BGP's MRAI), in virtual milliseconds.
    public var advertisementIntervalMilliseconds: Int
    /// Give up after this much virtual time.
    public var maximumVirtualTime: Duration
    /// Links that are down for the whole run (node name pairs, either order).
    public var failedLinks: Set<SimLink>
    /// Nodes that are down for the whole run.
    public var failedNodes: Set<String>
    /// Receives one line per session event (established, down, failed handshake) when set.
    public var trace: (@Sendable (String) -> Void)?

    public init(
        seed: UInt64 = 1, latency: ClosedRange<Int> = 1...5, holdTime: UInt16 = 3,
        advertisementIntervalMilliseconds: Int = 5, maximumVirtualTime: Duration = .seconds(600),
        failedLinks: Set<SimLink> = [], failedNodes: Set<String> = []
    ) {
        self.seed = seed
        self.latency = latency
        self.holdTime = holdTime
        self.advertisementIntervalMilliseconds = advertisementIntervalMilliseconds
        self.maximumVirtualTime = maximumVirtualTime
        self.failedLinks = failedLinks
        self.failedNodes = failedNodes
    }
}

/// An unordered pair of node names naming a link.
public struct SimLink: Hashable, Sendable, CustomStringConvertible {
    public let first: String
    public let second: String

    public init(_ a: String, _ b: String) {
        first = min(a, b)
        second = max(a, b)
    }

    public var description: String { "\(first)–\(second)" }
}

/// A fault injected into a running simulation.
public enum SimFault: Sendable, Hashable {
    /// The link carries nothing (an interface down); connections across it break at once.
    case linkDown(SimLink)
    /// The link is back (after `linkDown` or `blackhole`); bytes it held are retransmitted.
    case linkUp(SimLink)
    /// The link silently drops everything (a fiber cut, iptables DROP): connections stay open
    /// until their hold timers expire; what was sent over it is held, as TCP would retransmit it.
    case blackhole(SimLink)
    /// The node stops (SIGKILL); its store (queue, mailboxes, ledger) survives.
    case nodeDown(String)
    /// The node starts again: fresh sessions and routes, the same store.
    case nodeUp(String)
    /// The node freezes (SIGSTOP): it handles nothing until it resumes, connections stay open.
    case pause(String)
    case resume(String)
    /// Loss, rate and delay on a link (fields left nil keep their value).
    case impair(SimLink, LinkImpairment)
    /// The link is clean again.
    case unimpair(SimLink)
    /// The node's SMTP server answers 421 to this share of recipients (0: none).
    case tempfail(String, percent: Int)
    /// The MXGP connection between the two nodes breaks (it reconnects).
    case sessionReset(String, String)
}
