import MXGPCore

/// Settings of one simulation run.
public struct SimulationOptions: Sendable {
    /// Seed for link latencies and start offsets: same seed, same run.
    public var seed: UInt64
    /// One-way latency of every link is drawn from this range (virtual time).
    public var latency: ClosedRange<Int>
    /// Hold time in seconds (keepalive is a third of it).
    public var holdTime: UInt16
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
    case linkDown(SimLink)
    case linkUp(SimLink)
    case nodeDown(String)
    case nodeUp(String)
}
