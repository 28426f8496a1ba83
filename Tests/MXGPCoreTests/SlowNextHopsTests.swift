import Testing
@testable import MXGPCore

/// One delivery fed to the rule: next hop, latency and start in ms, answer time = start + latency.
struct SlowSample: Sendable, CustomStringConvertible {
    var hop: String
    var latency: Int
    var started: Int
    var description: String { "\(hop) \(latency)ms@\(started)" }
    var now: Duration { .milliseconds(started + latency) }
}

@Suite struct SlowNextHopsTests {
    /// limit 1 s, median over 3, probe every 10 s.
    func rule() -> SlowNextHops { SlowNextHops(limit: .seconds(1), samples: 3, retryAfter: .seconds(10)) }

    /// Each row: the deliveries, whether `p` is degraded at `at` ms, and the last change.
    @Test(arguments: [
        // Fewer samples than the window: never degraded.
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 100)], 6_200, false, nil),
        // Median of three above the limit: degraded.
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 100), SlowSample(hop: "p", latency: 20, started: 200)], 3_200,
         true, SlowNextHops.Change.degraded(median: .seconds(3))),
        // One slow delivery among fast ones: the median is fast.
        ([SlowSample(hop: "p", latency: 5000, started: 0), SlowSample(hop: "p", latency: 20, started: 100), SlowSample(hop: "p", latency: 20, started: 200)], 5_100, false, nil),
        // Exactly the limit is not slow.
        ([SlowSample(hop: "p", latency: 1000, started: 0), SlowSample(hop: "p", latency: 1000, started: 1), SlowSample(hop: "p", latency: 1000, started: 2)], 1_100, false, nil),
        // Another next hop's slowness does not count.
        ([SlowSample(hop: "q", latency: 3000, started: 0), SlowSample(hop: "q", latency: 3000, started: 1), SlowSample(hop: "q", latency: 3000, started: 2)], 3_100, false,
         .degraded(median: .seconds(3))),
        // Degraded at 3.1 s: probe due at 13.1 s; before it the hop is avoided, after it not.
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 50), SlowSample(hop: "p", latency: 3000, started: 100)], 13_099,
         true, .degraded(median: .seconds(3))),
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 50), SlowSample(hop: "p", latency: 3000, started: 100)], 13_100,
         false, .degraded(median: .seconds(3))),
        // A delivery in flight when it became degraded, fast or not, changes nothing.
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 50), SlowSample(hop: "p", latency: 3000, started: 100),
          SlowSample(hop: "p", latency: 10, started: 3000)], 4_000, true, nil),
        // A fast probe recovers at once.
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 50), SlowSample(hop: "p", latency: 3000, started: 100),
          SlowSample(hop: "p", latency: 10, started: 13_100)], 13_200, false, .recovered),
        // A slow probe keeps it degraded for another 10 s from its answer (16.1 s → 26.1 s).
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 50), SlowSample(hop: "p", latency: 3000, started: 100),
          SlowSample(hop: "p", latency: 3000, started: 13_100)], 26_000, true, nil),
        // After recovering, one slow delivery is not enough to degrade it again.
        ([SlowSample(hop: "p", latency: 3000, started: 0), SlowSample(hop: "p", latency: 3000, started: 50), SlowSample(hop: "p", latency: 3000, started: 100),
          SlowSample(hop: "p", latency: 10, started: 13_100), SlowSample(hop: "p", latency: 3000, started: 13_200)], 16_300, false, nil),
    ] as [([SlowSample], Int, Bool, SlowNextHops.Change?)])
    func degradesAndRecovers(samples: [SlowSample], at: Int, degraded: Bool, lastChange: SlowNextHops.Change?) {
        var slow = rule()
        var last: SlowNextHops.Change?
        for sample in samples {
            last = slow.delivered(sample.hop, latency: .milliseconds(sample.latency), started: .milliseconds(sample.started), now: sample.now)
        }
        #expect(slow.isDegraded("p", now: .milliseconds(at)) == degraded)
        #expect(last == lastChange)
    }

    /// Each row: failed attempts' durations in ms (all started 100 ms apart), whether `p` is then degraded.
    @Test(arguments: [
        ([5000, 5000, 5000], true),  // three transaction timeouts
        ([5000, 20, 5000, 5000], true),  // the quick failure is no sample: still three slow ones
        ([5000, 20, 5000], false),  // …and here only two
        ([20, 30, 40], false),  // quick failures (refused, 421): penalties, not slowness
        ([5000, 5000], false),
    ] as [([Int], Bool)])
    func slowFailuresCount(tooks: [Int], degraded: Bool) {
        var slow = rule()
        for (i, took) in tooks.enumerated() {
            slow.failed("p", took: .milliseconds(took), started: .milliseconds(i * 100), now: .milliseconds(i * 100 + took))
        }
        #expect(slow.isDegraded("p", now: .seconds(6)) == degraded)
    }

    @Test func offNeverDegrades() {
        var slow = SlowNextHops(limit: nil)
        for i in 0..<10 { #expect(slow.delivered("p", latency: .seconds(60), started: .seconds(i), now: .seconds(i + 60)) == nil) }
        #expect(!slow.isDegraded("p", now: .seconds(70)))
    }

    /// Each row: which of p (rank 1), q (rank 2), r (rank 3) are penalised and degraded, and the order.
    @Test(arguments: [
        ([], [], ["p", "q", "r"]),
        ([], ["p"], ["q", "r", "p"]),
        (["p"], [], ["q", "r", "p"]),
        (["q"], ["p"], ["r", "p", "q"]),
        (["p"], ["p"], ["q", "r", "p"]),  // penalised wins over degraded
        ([], ["p", "q", "r"], ["p", "q", "r"]),  // all degraded: rank order
        (["r"], ["p", "q"], ["p", "q", "r"]),
    ] as [([String], [String], [String])])
    func orderPutsDegradedBetweenHealthyAndPenalised(penalised: [String], degraded: [String], expected: [String]) {
        let candidates = ["p", "q", "r"].map { NextHopCandidate(neighbour: $0, endpoint: "\($0):25") }
        var health = NextHopHealth(base: .seconds(5))
        for hop in penalised { health.failed(hop, error: "421", now: .zero) }
        var slow = SlowNextHops(limit: .seconds(1), samples: 1, retryAfter: .seconds(60))
        for hop in degraded { slow.delivered(hop, latency: .seconds(2), started: .zero, now: .seconds(2)) }
        #expect(RelayDecision.order(candidates, health: health, slow: slow, now: .seconds(3)).map(\.neighbour) == expected)
    }
}
