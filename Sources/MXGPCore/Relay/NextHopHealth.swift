/// Penalties of failing next hops: after the n-th consecutive failure a next hop is
/// skipped for `base × n²`, capped; the first success clears it. Pure: time is passed in.
public struct NextHopHealth: Sendable {
    public struct Penalty: Sendable, Hashable {
        public var consecutiveFailures: Int
        public var until: Duration
        public var lastError: String
    }

    /// Penalty after the first failure.
    public var base: Duration
    /// Longest penalty.
    public var cap: Duration
    private var penalties: [String: Penalty] = [:]

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    /// Records a failure (connect failure, timeout, 421 or other 4xx) of `nextHop` at `now`.
    public mutating func failed(_ nextHop: String, error: String, now: Duration) {
        let n = (penalties[nextHop]?.consecutiveFailures ?? 0) + 1
        let length = min(cap, base * (n * n))
        penalties[nextHop] = Penalty(consecutiveFailures: n, until: now + length, lastError: error)
    }

    /// Records a success: the next hop is healthy again.
    public mutating func succeeded(_ nextHop: String) {
        penalties[nextHop] = nil
    }

    /// True while `nextHop` is penalised.
    public func isPenalised(_ nextHop: String, now: Duration) -> Bool {
        guard let penalty = penalties[nextHop] else { return false }
        return penalty.until > now
    }

    /// The current penalty of `nextHop`, if any.
    public func penalty(of nextHop: String) -> Penalty? { penalties[nextHop] }

    /// When the earliest penalty among `nextHops` ends (for scheduling a retry).
    public func earliestRecovery(of nextHops: [String], now: Duration) -> Duration? {
        nextHops.compactMap { penalties[$0]?.until }.filter { $0 > now }.min()
    }
}
