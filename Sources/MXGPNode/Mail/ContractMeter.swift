import Foundation
import MXGPCore

/// The rate-limit counters of every neighbour's contract, shared by all SMTP connections of a
/// node (thread-safe; the counting itself is the pure `RateWindow`).
public final class ContractMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var window = RateWindow(window: .seconds(60))
    private let epoch = ContinuousClock.now

    public init() {}

    /// Whether one more message from `neighbour` fits its `limit` per minute now; `take` counts it.
    public func admit(_ neighbour: String, limit: Int, take: Bool) -> Bool {
        let now = ContinuousClock.now - epoch
        return lock.withLock { window.admit(neighbour, limit: limit, now: now, take: take) }
    }
}
