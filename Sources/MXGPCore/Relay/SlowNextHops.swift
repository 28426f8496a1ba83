/// Next hops whose recent deliveries are slow: a data-plane preference, not a route change.
///
/// A next hop is **degraded** when the median (p50) of its last `samples` delivery latencies
/// exceeds `limit` — loss, a squeezed link or added delay on the way to it. A degraded next
/// hop is tried after the healthy ones but before the penalised ones
/// (``RelayDecision/order(_:health:slow:now:)``), so new mail prefers an alternate while the
/// MXGP route stays where it is.
///
/// It comes back by probing: `retryAfter` after it became degraded (or after its last probe)
/// it ranks as usual again, so the next message to it is a probe. A probe (a delivery that
/// started at or after that time) as fast as `limit` ends the degradation at once; a slow one
/// starts another `retryAfter`. Deliveries that started before the probe time (in flight when
/// it became degraded) do not count. Failed attempts count only when they took longer than the
/// limit (``failed(_:took:started:now:)``); penalising failures is ``NextHopHealth``'s business.
/// Pure: times are passed in.
public struct SlowNextHops: Sendable, Hashable {
    /// Why a next hop is degraded, and when it is probed next.
    public struct Degradation: Sendable, Hashable {
        /// When it became degraded.
        public var since: Duration
        /// The median latency that made it (or kept it) degraded.
        public var median: Duration
        /// From this time it ranks as usual again: the next delivery to it is a probe.
        public var probeAt: Duration
    }

    /// What a recorded delivery changed.
    public enum Change: Sendable, Hashable {
        /// The next hop became degraded.
        case degraded(median: Duration)
        /// A fast probe ended the degradation.
        case recovered
    }

    /// Median latency above which a next hop is degraded; nil: never (the rule is off).
    public var limit: Duration?
    /// How many recent deliveries the median is taken over (at least 1).
    public var samples: Int
    /// How long a degraded next hop is avoided before the next probe.
    public var retryAfter: Duration
    private var recent: [String: [Duration]] = [:]
    private var degradations: [String: Degradation] = [:]

    /// A rule with the given limit (nil: off), window and probe interval.
    public init(limit: Duration?, samples: Int = 3, retryAfter: Duration = .seconds(10)) {
        self.limit = limit
        self.samples = max(1, samples)
        self.retryAfter = retryAfter
    }

    /// Records that `nextHop` took a message after `latency`, the attempt having started at
    /// `started`; `now` is when it answered. Returns what changed, if anything.
    @discardableResult
    public mutating func delivered(_ nextHop: String, latency: Duration, started: Duration, now: Duration) -> Change? {
        guard let limit else { return nil }
        if var degradation = degradations[nextHop] {
            guard started >= degradation.probeAt else { return nil }
            if latency <= limit {
                degradations[nextHop] = nil
                recent[nextHop] = [latency]
                return .recovered
            }
            degradation.median = latency
            degradation.probeAt = now + retryAfter
            degradations[nextHop] = degradation
            return nil
        }
        var window = recent[nextHop, default: []]
        window.append(latency)
        if window.count > samples { window.removeFirst(window.count - samples) }
        recent[nextHop] = window
        guard window.count == samples, let median = NextHopStats.percentile(0.5, of: window), median > limit else { return nil }
        degradations[nextHop] = Degradation(since: now, median: median, probeAt: now + retryAfter)
        return .degraded(median: median)
    }

    /// Records a failed attempt to `nextHop` that took `took` (started at `started`, failed at
    /// `now`). A failure slower than the limit — a transaction timeout on a lossy link — counts
    /// as a slow sample; a quick one (connection refused, a 4xx) is ``NextHopHealth``'s alone.
    @discardableResult
    public mutating func failed(_ nextHop: String, took: Duration, started: Duration, now: Duration) -> Change? {
        guard let limit, took > limit else { return nil }
        return delivered(nextHop, latency: took, started: started, now: now)
    }

    /// True while `nextHop` is degraded and not yet due for a probe.
    public func isDegraded(_ nextHop: String, now: Duration) -> Bool {
        guard let degradation = degradations[nextHop] else { return false }
        return now < degradation.probeAt
    }

    /// The degradation of `nextHop`, if any (also while it is being probed).
    public func degradation(of nextHop: String) -> Degradation? { degradations[nextHop] }
}
