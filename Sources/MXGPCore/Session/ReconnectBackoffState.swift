/// The running state of a `ReconnectBackoff`: the next base delay and the jitter source.
struct ReconnectBackoffState: Hashable, Sendable {
    let configuration: ReconnectBackoff
    private(set) var nextBase: Duration
    private var random: SeededRandom

    init(_ configuration: ReconnectBackoff, seed: UInt64) {
        self.configuration = configuration
        self.nextBase = min(configuration.initial, configuration.cap)
        self.random = SeededRandom(seed: seed)
    }

    /// The delay before the next attempt; doubles the following one up to the cap.
    mutating func nextDelay() -> Duration {
        let base = nextBase
        nextBase = min(base * 2, configuration.cap)
        guard configuration.jitter > 0 else { return base }
        return base * (1 - configuration.jitter * random.nextUnit())
    }

    /// Starts over at the initial delay.
    mutating func reset() { nextBase = min(configuration.initial, configuration.cap) }
}
