/// SplitMix64: a tiny deterministic generator for backoff jitter (no global randomness).
struct SplitMix64: Hashable, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

/// The running state of a `ReconnectBackoff`: the next base delay and the jitter source.
struct ReconnectBackoffState: Hashable, Sendable {
    let configuration: ReconnectBackoff
    private(set) var nextBase: Duration
    private var random: SplitMix64

    init(_ configuration: ReconnectBackoff, seed: UInt64) {
        self.configuration = configuration
        self.nextBase = min(configuration.initial, configuration.cap)
        self.random = SplitMix64(seed: seed)
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
