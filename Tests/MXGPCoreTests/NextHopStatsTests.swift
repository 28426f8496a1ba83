import Testing
@testable import MXGPCore

@Suite struct NextHopStatsTests {
    /// Nearest-rank percentiles: one row per case (samples in milliseconds).
    @Test(arguments: [
        ([Int](), 0.5, nil as Int?),
        ([7], 0.5, 7),
        ([7], 0.99, 7),
        ([4, 1, 3, 2], 0.5, 2),
        ([4, 1, 3, 2], 0.99, 4),
        ([4, 1, 3, 2], 0.0, 1),
        ([4, 1, 3, 2], 1.0, 4),
        (Array(1...100), 0.5, 50),
        (Array(1...100), 0.99, 99),
        (Array(1...1000), 0.99, 990),
        ([5, 5, 5, 100], 0.5, 5),
        ([5, 5, 5, 100], 0.99, 100),
    ])
    func percentile(samples: [Int], fraction: Double, expected: Int?) {
        #expect(NextHopStats.percentile(fraction, of: samples.map { .milliseconds($0) }) == expected.map { .milliseconds($0) })
    }

    /// Events in order, then what one next hop's entry says.
    struct Row: Sendable, CustomTestStringConvertible {
        enum Event: Sendable { case delivered(bytes: Int, ms: Int), failed(String, at: Double) }
        var name: String
        var events: [Event]
        var sent: Int
        var bytes: Int
        var lastError: String?
        var lastErrorAt: Double?
        var p50: Int?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "nothing seen", events: [], sent: 0, bytes: 0, p50: nil),
        Row(name: "one delivery", events: [.delivered(bytes: 1200, ms: 8)], sent: 1, bytes: 1200, p50: 8),
        Row(name: "deliveries add up", events: [.delivered(bytes: 100, ms: 3), .delivered(bytes: 50, ms: 9), .delivered(bytes: 1, ms: 5)],
            sent: 3, bytes: 151, p50: 5),
        Row(name: "a failure keeps its error and time", events: [.failed("421 4.3.2 overloaded", at: 1_700_000_000)], sent: 0, bytes: 0,
            lastError: "421 4.3.2 overloaded", lastErrorAt: 1_700_000_000, p50: nil),
        Row(name: "the last error wins", events: [.failed("connection refused", at: 10), .failed("timeout", at: 20)], sent: 0, bytes: 0,
            lastError: "timeout", lastErrorAt: 20, p50: nil),
        Row(name: "the error stays after a success", events: [.failed("timeout", at: 20), .delivered(bytes: 10, ms: 2)], sent: 1, bytes: 10,
            lastError: "timeout", lastErrorAt: 20, p50: 2),
        Row(name: "a negative latency counts as zero", events: [.delivered(bytes: 1, ms: -5)], sent: 1, bytes: 1, p50: 0),
    ]

    @Test(arguments: rows)
    func events(row: Row) {
        var stats = NextHopStats()
        for event in row.events {
            switch event {
            case .delivered(let bytes, let ms): stats.delivered("up1", bytes: bytes, latency: .milliseconds(ms))
            case .failed(let error, let at): stats.failed("up1", error: error, at: at)
            }
        }
        let entry = stats.entry(of: "up1")
        #expect(entry.messagesSent == row.sent)
        #expect(entry.bytesSent == row.bytes)
        #expect(entry.lastError == row.lastError)
        #expect(entry.lastErrorAt == row.lastErrorAt)
        #expect(entry.latency(percentile: 0.5) == row.p50.map { .milliseconds($0) })
        #expect(stats.entry(of: "up2") == NextHopStats.Entry(), "other next hops are untouched")
    }

    /// The latency window keeps the most recent samples only.
    @Test(arguments: [(1, 5, [5]), (3, 2, [1, 2]), (3, 3, [1, 2, 3]), (3, 7, [7, 5, 6]), (4, 10, [9, 10, 7, 8])])
    func windowIsBounded(window: Int, deliveries: Int, kept: [Int]) {
        var stats = NextHopStats(window: window)
        for ms in 1...deliveries { stats.delivered("up1", bytes: 1, latency: .milliseconds(ms)) }
        #expect(stats.entry(of: "up1").latencies == kept.map { .milliseconds($0) })
        #expect(stats.entry(of: "up1").messagesSent == deliveries, "counters are not windowed")
    }

    /// The state of a next hop: one row per combination that matters.
    @Test(arguments: [
        (false, false, 0, NextHopState.down),
        (false, true, 0, .down),             // down wins over a penalty
        (true, false, 0, .healthy),
        (true, true, 500, .penalised),       // 1 s penalty, 0.5 s in
        (true, true, 1000, .healthy),        // the penalty has ended
    ])
    func state(established: Bool, failed: Bool, atMilliseconds: Int, expected: NextHopState) {
        var health = NextHopHealth(base: .seconds(1))
        if failed { health.failed("up1", error: "connection refused", now: .zero) }
        #expect(NextHopState.of("up1", sessionEstablished: established, health: health, now: .milliseconds(atMilliseconds)) == expected)
    }

    /// With a slow next hop (degraded at 2 s, probe due at 12 s): one row per combination that matters.
    @Test(arguments: [
        (true, false, 3000, NextHopState.degraded),
        (true, true, 2500, .penalised),      // penalised wins over degraded (1 s penalty from 2 s)
        (false, false, 3000, .down),         // down wins over both
        (true, false, 12_000, .healthy),     // due for a probe: ranked as usual
    ])
    func stateWhenSlow(established: Bool, failed: Bool, atMilliseconds: Int, expected: NextHopState) {
        var health = NextHopHealth(base: .seconds(1))
        if failed { health.failed("up1", error: "timed out", now: .seconds(2)) }
        var slow = SlowNextHops(limit: .seconds(1), samples: 1, retryAfter: .seconds(10))
        slow.delivered("up1", latency: .seconds(2), started: .zero, now: .seconds(2))
        #expect(NextHopState.of("up1", sessionEstablished: established, health: health, slow: slow, now: .milliseconds(atMilliseconds)) == expected)
    }

    @Test func gaugeValues() {
        #expect(NextHopState.allCases.map(\.gaugeValue) == [0, 1, 2, 3])
    }

    @Test(arguments: [(0, 4000), (1500, 2500), (4000, 0), (9000, 0)])
    func penaltyLeft(atMilliseconds: Int, leftMilliseconds: Int) {
        var health = NextHopHealth(base: .seconds(1))
        health.failed("up1", error: "x", now: .zero)
        health.failed("up1", error: "x", now: .zero)  // second failure: 4 s
        #expect(health.penaltyLeft(of: "up1", now: .milliseconds(atMilliseconds)) == .milliseconds(leftMilliseconds))
        #expect(health.penaltyLeft(of: "up2", now: .zero) == .zero)
    }
}
