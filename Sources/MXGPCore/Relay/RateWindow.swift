/// Messages accepted per neighbour over a sliding window (a contract's `rate-limit`, DESIGN §4).
///
/// Pure: time is passed in. Memory is bounded: a neighbour keeps at most `limit` timestamps.
public struct RateWindow: Sendable {
    /// The window length (one minute for a rate limit in messages per minute).
    public let window: Duration
    private var accepted: [String: [Duration]] = [:]

    /// Creates an empty window.
    public init(window: Duration = .seconds(60)) { self.window = window }

    /// Whether one more message from `neighbour` stays within `limit` per window at `now`;
    /// with `take` it is also counted. A `limit` of 0 means no limit (always true, nothing counted).
    public mutating func admit(_ neighbour: String, limit: Int, now: Duration, take: Bool) -> Bool {
        guard limit > 0 else { return true }
        var times = accepted[neighbour, default: []]
        if let keep = times.firstIndex(where: { now - $0 < window }) { times.removeFirst(keep) } else { times.removeAll() }
        let fits = times.count < limit
        if fits && take { times.append(now) }
        accepted[neighbour] = times.isEmpty ? nil : times
        return fits
    }

    /// Messages from `neighbour` counted in the window ending at `now`.
    public func count(_ neighbour: String, now: Duration) -> Int {
        accepted[neighbour, default: []].filter { now - $0 < window }.count
    }
}
