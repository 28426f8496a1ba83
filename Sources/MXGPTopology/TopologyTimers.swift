import Yams

/// Node timers a topology sets for every node of its lab (`timers:` at the top of the file),
/// over the lab's own (the lab profile, and the big-lab timers over 200 nodes). Each nil key
/// leaves the lab's value. The simulator takes the same values, so a scenario's simulated run
/// and its lab run follow the same rule.
///
/// Today only the slow-next-hop rule can be set: a scenario about something else (price,
/// policy) can turn it off, so that a busy machine, whose slow disk makes healthy lab nodes
/// take over a second per message, does not move mail to an alternate.
public struct TopologyTimers: Hashable, Sendable {
    /// A slow-next-hop limit: off, or a median delivery latency.
    public enum Limit: Hashable, Sendable {
        case off
        case after(Duration)

        /// The node config's value (nil: off).
        public var duration: Duration? {
            if case .after(let limit) = self { return limit }
            return nil
        }
    }

    /// `slow-next-hop`: the median delivery latency that degrades a next hop, or off.
    public var slowNextHop: Limit?
    /// `slow-next-hop-retry`: how long a degraded next hop is avoided before a probe.
    public var slowNextHopRetry: Duration?

    /// Keys of `timers:` in a topology file.
    public static let keys = ["slow-next-hop", "slow-next-hop-retry"]

    public init(slowNextHop: Limit? = nil, slowNextHopRetry: Duration? = nil) {
        self.slowNextHop = slowNextHop
        self.slowNextHopRetry = slowNextHopRetry
    }

    /// True when the topology sets no timer.
    public var isEmpty: Bool { slowNextHop == nil && slowNextHopRetry == nil }

    /// `timers` with this topology's values over it.
    public func applied(to timers: NodeConfig.Timers) -> NodeConfig.Timers {
        var timers = timers
        if let slowNextHop { timers.slowNextHop = slowNextHop.duration }
        if let slowNextHopRetry { timers.slowNextHopRetry = slowNextHopRetry }
        return timers
    }

    /// The `timers:` line of a topology file (nil when empty), as ``Topology/yamlText`` writes it.
    var yamlLine: String? {
        var fields: [String] = []
        if let slowNextHop { fields.append("slow-next-hop: \(slowNextHop.duration.map(NodeConfigText.duration) ?? "off")") }
        if let slowNextHopRetry { fields.append("slow-next-hop-retry: \(NodeConfigText.duration(slowNextHopRetry))") }
        return fields.isEmpty ? nil : "timers: { \(fields.joined(separator: ", ")) }"
    }
}

extension Reader {
    /// `timers:` of a topology file: the keys of ``TopologyTimers/keys``, checked like a node
    /// config's (same ranges, same errors).
    mutating func timers(from node: Node) -> TopologyTimers {
        var timers = TopologyTimers()
        guard let mapping = context.mapping(node, "timers", example: "{ slow-next-hop: off }") else { return timers }
        let values = context.keys(of: mapping, "timers", allowed: TopologyTimers.keys, line: YAMLContext.line(of: node))
        if let node = values["slow-next-hop"] { timers.slowNextHop = context.slowNextHop(node) }
        if let node = values["slow-next-hop-retry"] { timers.slowNextHopRetry = context.slowNextHopRetry(node) }
        return timers
    }
}

extension YAMLContext {
    /// `timers.slow-next-hop`: `off` or a latency from 10 ms to 1 h (nil after an error).
    mutating func slowNextHop(_ node: Node) -> TopologyTimers.Limit? {
        if NodeConfigReader.isOff(node) { return .off }
        return duration(node, "timers.slow-next-hop", range: 10...3_600_000,
                        fix: "use off or a delivery latency from 10ms to 1h, like 10s (lab: 1s)").map { .after(.milliseconds($0)) }
    }

    /// `timers.slow-next-hop-retry`: 100 ms to 24 h (nil after an error).
    mutating func slowNextHopRetry(_ node: Node) -> Duration? {
        duration(node, "timers.slow-next-hop-retry", range: 100...86_400_000,
                 fix: "use a duration from 100ms to 24h, like 60s (lab: 10s)").map { .milliseconds($0) }
    }

    /// A duration in milliseconds (``DurationText``: `250ms`, `2s`, `5m`, `1h`, a plain number
    /// of seconds) within `range`; an error naming `path` and `fix` otherwise.
    mutating func duration(_ node: Node, _ path: String, range: ClosedRange<Int64>, fix: String) -> Int64? {
        guard let text = scalar(node, path, example: "1s") else { return nil }
        if let ms = DurationText.milliseconds(text), range.contains(ms) { return ms }
        error(.badTimer, line: YAMLContext.line(of: node), "\(path) is \"\(text)\", which is not a duration in range", fix: fix)
        return nil
    }
}
