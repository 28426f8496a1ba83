import MXGPCore
import NIOConcurrencyHelpers

/// The rate-limit counters of every neighbour's contract, shared by all SMTP connections of a
/// node (thread-safe; the counting itself is the pure `RateWindow`).
public final class ContractMeter: Sendable {
    private let window = NIOLockedValueBox(RateWindow(window: .seconds(60)))
    private let epoch = ContinuousClock.now

    public init() {}

    /// Whether one more message from `neighbour` fits its `limit` per minute now; `take` counts it.
    public func admit(_ neighbour: String, limit: Int, take: Bool) -> Bool {
        let now = ContinuousClock.now - epoch
        return window.withLockedValue { $0.admit(neighbour, limit: limit, now: now, take: take) }
    }
}
