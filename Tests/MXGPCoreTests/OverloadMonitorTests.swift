import Testing
@testable import MXGPCore

/// One row: a sequence of samples (second, queue depth, accepts and tempfails since the last
/// sample) and the action each must give.
struct OverloadRow: Sendable, CustomTestStringConvertible {
    var name: String
    var settings: OverloadSettings
    /// (second, queue, accepted, tempfails, expected action)
    var steps: [(Int64, Int, Int, Int, OverloadAction?)]
    var testDescription: String { name }
}

private let q = OverloadSettings(queueHigh: 10, queueLow: 2, hold: .seconds(5))

let overloadRows: [OverloadRow] = [
    OverloadRow(name: "below the high watermark nothing happens", settings: q, steps: [
        (0, 0, 0, 0, nil), (1, 10, 0, 0, nil), (2, 5, 0, 0, nil),
    ]),
    OverloadRow(name: "above queue-high drains at once", settings: q, steps: [
        (0, 3, 0, 0, nil), (1, 11, 0, 0, .startDraining(why: "queue 11 > 10")),
    ]),
    OverloadRow(name: "between the watermarks it keeps draining", settings: q, steps: [
        (0, 11, 0, 0, .startDraining(why: "queue 11 > 10")), (6, 5, 0, 0, nil), (20, 3, 0, 0, nil), (21, 2, 0, 0, .stopDraining),
    ]),
    OverloadRow(name: "the hold time keeps a drain at least 5 s", settings: q, steps: [
        (0, 11, 0, 0, .startDraining(why: "queue 11 > 10")), (1, 0, 0, 0, nil), (4, 0, 0, 0, nil), (5, 0, 0, 0, .stopDraining),
    ]),
    OverloadRow(name: "the hold time keeps it undrained at least 5 s after a stop", settings: q, steps: [
        (0, 11, 0, 0, .startDraining(why: "queue 11 > 10")), (5, 0, 0, 0, .stopDraining), (6, 50, 0, 0, nil),
        (9, 50, 0, 0, nil), (10, 50, 0, 0, .startDraining(why: "queue 50 > 10")),
    ]),
    OverloadRow(name: "accept rate over a minute", settings: OverloadSettings(queueHigh: 0, rateHigh: 100, hold: .seconds(5)), steps: [
        (0, 999, 60, 0, nil), (30, 999, 40, 0, nil), (31, 0, 1, 0, .startDraining(why: "accepted 101/min > 100/min")),
        // all 101 still count at second 59; at 60 the first 60 leave the window: 41 ≤ 50 stops it
        (59, 0, 0, 0, nil), (60, 0, 0, 0, .stopDraining),
    ]),
    OverloadRow(name: "tempfails given", settings: OverloadSettings(queueHigh: 0, tempfailHigh: 4, hold: .seconds(1)), steps: [
        (0, 0, 0, 5, .startDraining(why: "tempfails 5/min > 4/min")), (30, 0, 0, 0, nil), (60, 0, 0, 0, .stopDraining),
    ]),
    OverloadRow(name: "every figure must be low before it stops", settings: OverloadSettings(queueHigh: 10, queueLow: 2, rateHigh: 10, hold: .zero), steps: [
        (0, 11, 20, 0, .startDraining(why: "queue 11 > 10")), (1, 0, 0, 0, nil), (61, 0, 0, 0, .stopDraining),
    ]),
    OverloadRow(name: "all limits 0: never drains", settings: OverloadSettings(queueHigh: 0, hold: .zero), steps: [
        (0, 1_000_000, 1_000_000, 1_000_000, nil),
    ]),
]

@Suite struct OverloadMonitorTests {
    @Test(arguments: overloadRows)
    func row(_ row: OverloadRow) {
        var monitor = OverloadMonitor(settings: row.settings)
        for (second, queue, accepted, tempfails, expected) in row.steps {
            let now = Duration.seconds(second)
            if accepted > 0 { monitor.accepted(accepted, now: now) }
            if tempfails > 0 { monitor.tempfailed(tempfails, now: now) }
            #expect(monitor.sample(queueDepth: queue, now: now) == expected, "at \(second) s, queue \(queue)")
        }
    }

    @Test func statusSaysWhyAndSince() {
        var monitor = OverloadMonitor(settings: q)
        #expect(monitor.status(now: .zero).draining == false)
        _ = monitor.sample(queueDepth: 612, now: .seconds(3))
        let status = monitor.status(now: .seconds(4))
        #expect(status.draining)
        #expect(status.since == .seconds(3))
        #expect(status.why == "queue 612 > 10")
        #expect(status.queueDepth == 612)
    }

    @Test func defaultLowWatermarksAreHalfTheHighOnes() {
        let s = OverloadSettings(rateHigh: 1000, tempfailHigh: 30)
        #expect(s.rateLow == 500)
        #expect(s.tempfailLow == 15)
        #expect(s.queueHigh == 500 && s.queueLow == 100)
    }
}
