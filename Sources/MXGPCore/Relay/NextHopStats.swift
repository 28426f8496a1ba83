/// What the relay has seen of each next hop since the node started: messages and bytes it
/// took, a bounded window of recent delivery latencies (for p50/p99), and its last error
/// with the wall time it happened. Pure: times are passed in.
///
/// A delivery latency here is how long the next hop took to take one message: from the
/// start of the attempt (connect, or a pooled connection) to its answer to DATA.
public struct NextHopStats: Sendable, Hashable {
    /// One next hop's counters.
    public struct Entry: Sendable, Hashable {
        /// Messages the next hop accepted (one per transaction with at least one recipient delivered).
        public var messagesSent = 0
        /// Bytes of those messages.
        public var bytesSent = 0
        /// The last error (connect failure, timeout, 4xx…), kept after the next hop recovers.
        public var lastError: String?
        /// Wall time of `lastError`, in seconds since 1970.
        public var lastErrorAt: Double?
        /// The most recent latencies, at most `window` of them, oldest overwritten first.
        public private(set) var latencies: [Duration] = []
        private var nextSlot = 0

        /// An entry with nothing seen yet.
        public init() {}

        /// Adds one latency to the window of `capacity` samples.
        mutating func record(_ latency: Duration, capacity: Int) {
            if latencies.count < capacity {
                latencies.append(latency)
            } else {
                latencies[nextSlot] = latency
            }
            nextSlot = (nextSlot + 1) % capacity
        }

        /// The `fraction` percentile (0.5 for p50, 0.99 for p99) of the window; nil when empty.
        public func latency(percentile fraction: Double) -> Duration? {
            NextHopStats.percentile(fraction, of: latencies)
        }
    }

    /// How many recent latencies each next hop keeps.
    public let window: Int
    private var entries: [String: Entry] = [:]

    /// Empty stats keeping `window` latencies per next hop (at least 1).
    public init(window: Int = 256) { self.window = max(1, window) }

    /// Records that `nextHop` took a message of `bytes` bytes after `latency`.
    public mutating func delivered(_ nextHop: String, bytes: Int, latency: Duration) {
        var entry = entries[nextHop, default: Entry()]
        entry.messagesSent += 1
        entry.bytesSent += bytes
        entry.record(max(.zero, latency), capacity: window)
        entries[nextHop] = entry
    }

    /// Records that an attempt to `nextHop` failed with `error` at wall time `at` (seconds since 1970).
    public mutating func failed(_ nextHop: String, error: String, at wallTime: Double) {
        entries[nextHop, default: Entry()].lastError = error
        entries[nextHop, default: Entry()].lastErrorAt = wallTime
    }

    /// What was seen of `nextHop` (an empty entry when nothing was).
    public func entry(of nextHop: String) -> Entry { entries[nextHop] ?? Entry() }

    /// The next hops seen so far, sorted.
    public var nextHops: [String] { entries.keys.sorted() }

    /// The nearest-rank `fraction` percentile of `samples` (the smallest sample with at
    /// least that share of samples at or below it); nil for no samples.
    public static func percentile(_ fraction: Double, of samples: [Duration]) -> Duration? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((min(1, max(0, fraction)) * Double(sorted.count)).rounded(.up))
        return sorted[max(0, rank - 1)]
    }
}

/// Whether the data plane would send to a next hop now.
public enum NextHopState: String, Sendable, Hashable, CaseIterable {
    /// The session is up and the next hop is not penalised.
    case healthy
    /// The session is up but recent failures penalise the next hop: it is tried only after the healthy ones.
    case penalised
    /// The MXGP session with the neighbour is not established: its routes are gone.
    case down
    /// The session is up and the next hop is not penalised, but its recent deliveries are slow
    /// (``SlowNextHops``): it is tried after the healthy ones, before the penalised ones.
    case degraded

    /// The state of `neighbour` at `now`: `down` without an established session, else
    /// `penalised` while `health` penalises it, else `degraded` while `slow` avoids it, else `healthy`.
    public static func of(_ neighbour: String, sessionEstablished: Bool, health: NextHopHealth,
                          slow: SlowNextHops = SlowNextHops(limit: nil), now: Duration) -> NextHopState {
        if !sessionEstablished { return .down }
        if health.isPenalised(neighbour, now: now) { return .penalised }
        return slow.isDegraded(neighbour, now: now) ? .degraded : .healthy
    }

    /// The value of the `mxgp_nexthop_state` gauge: 0 healthy, 1 penalised, 2 down, 3 degraded
    /// (3 so the existing values keep their meaning).
    public var gaugeValue: Int {
        switch self {
        case .healthy: return 0
        case .penalised: return 1
        case .down: return 2
        case .degraded: return 3
        }
    }
}

extension NextHopHealth {
    /// How long `nextHop` stays penalised after `now` (zero when it is not).
    public func penaltyLeft(of nextHop: String, now: Duration) -> Duration {
        guard let until = penalty(of: nextHop)?.until, until > now else { return .zero }
        return until - now
    }
}

/// A next hop's health and stats at one moment, as the delivery engine has them.
public struct NextHopSnapshot: Sendable {
    /// The penalties.
    public var health: NextHopHealth
    /// The counters and latencies.
    public var stats: NextHopStats
    /// Which next hops are degraded (slow).
    public var slow: SlowNextHops
    /// The engine's monotonic time the penalties are measured against.
    public var now: Duration

    /// A snapshot with every field given.
    public init(health: NextHopHealth = NextHopHealth(), stats: NextHopStats = NextHopStats(),
                slow: SlowNextHops = SlowNextHops(limit: nil), now: Duration = .zero) {
        self.slow = slow
        self.health = health
        self.stats = stats
        self.now = now
    }
}
