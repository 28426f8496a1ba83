import NIOConcurrencyHelpers
import Testing
@testable import MXGPNode

/// The delivery engine's clock: every interval while busy, one wakeup per idle interval while
/// idle, and an idle sleep that ends at once when work comes or the engine stops.
///
/// The bounds are loose on purpose: the idle interval is a minute, so "at once" is anything
/// well under it, and a suite running beside other tests may have its tasks wait seconds for a
/// cooperative thread.
@Suite struct IdleTickerTests {
    /// Ticks counted, and whether the owner is idle.
    final class Owner: Sendable {
        let ticks = NIOLockedValueBox(0)
        let idle: NIOLockedValueBox<Bool>
        init(idle: Bool) { self.idle = NIOLockedValueBox(idle) }
    }

    static func start(_ ticker: IdleTicker, _ owner: Owner, interval: Duration = .milliseconds(20), idleInterval: Duration = .seconds(60)) -> Task<Void, Never> {
        Task {
            await ticker.run(interval: interval, idleInterval: idleInterval, isIdle: { owner.idle.withLockedValue { $0 } },
                             tick: { owner.ticks.withLockedValue { $0 += 1 } })
        }
    }

    @Test func busyTicksEveryIntervalAndIdleSleepsInOnePiece() async throws {
        let ticker = IdleTicker(), owner = Owner(idle: false)
        let run = Self.start(ticker, owner)
        let started = ContinuousClock.now
        while owner.ticks.withLockedValue({ $0 }) < 5, ContinuousClock.now - started < .seconds(30) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(owner.ticks.withLockedValue { $0 } >= 5, "busy: ticks every 20 ms")
        owner.idle.withLockedValue { $0 = true }
        let before = owner.ticks.withLockedValue { $0 }
        try await Task.sleep(for: .milliseconds(500))
        // At most the busy sleep already running ends in a tick; then one idle sleep of 60 s.
        #expect(owner.ticks.withLockedValue { $0 } <= before + 1, "ticks while idle (the idle interval is 60 s)")
        ticker.stop()
        await run.value
    }

    /// busy() ends an idle sleep at once; so does stop().
    @Test func anIdleSleepEndsWhenWorkComesOrTheOwnerStops() async throws {
        let ticker = IdleTicker(), owner = Owner(idle: true)
        let run = Self.start(ticker, owner)
        try await Task.sleep(for: .milliseconds(100))
        #expect(owner.ticks.withLockedValue { $0 } == 0)
        owner.idle.withLockedValue { $0 = false }
        ticker.busy()
        let woken = ContinuousClock.now
        while owner.ticks.withLockedValue({ $0 }) == 0, ContinuousClock.now - woken < .seconds(30) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(ContinuousClock.now - woken < .seconds(20), "the tick after busy() came \(ContinuousClock.now - woken) later")
        owner.idle.withLockedValue { $0 = true }
        try await Task.sleep(for: .milliseconds(100))
        let stopped = ContinuousClock.now
        ticker.stop()
        await run.value
        #expect(ContinuousClock.now - stopped < .seconds(20), "stop() took \(ContinuousClock.now - stopped)")
    }

    @Test func cancellationEndsAnIdleSleep() async throws {
        let ticker = IdleTicker(), owner = Owner(idle: true)
        let run = Self.start(ticker, owner)
        try await Task.sleep(for: .milliseconds(100))
        let cancelled = ContinuousClock.now
        run.cancel()
        await run.value
        #expect(ContinuousClock.now - cancelled < .seconds(20))
        #expect(owner.ticks.withLockedValue { $0 } == 0)
    }
}
