import NIOConcurrencyHelpers
import Testing
@testable import MXGPNode

/// The work a service runs on behalf of its connections: children of its run(), drained
/// (bounded) at shutdown.
@Suite struct ServiceWorkTests {
    @Test func workRunsAndTheDrainWaitsForIt() async {
        let work = ServiceWork()
        let done = NIOLockedValueBox(0)
        async let running: Void = work.run(drainFor: .seconds(10))
        for _ in 0..<5 {
            #expect(work.submit {
                try? await Task.sleep(for: .milliseconds(100))
                done.withLockedValue { $0 += 1 }
            })
        }
        work.finish()
        await running
        #expect(done.withLockedValue { $0 } == 5)
        #expect(work.inProgress == 0)
        #expect(!work.submit {}, "a finished service takes no more work")
    }

    @Test func theDrainIsBoundedAndCancelsWhatIsLeft() async {
        let work = ServiceWork()
        let cancelled = NIOLockedValueBox(false)
        let clock = ContinuousClock()
        let started = clock.now
        async let running: Void = work.run(drainFor: .milliseconds(200))
        work.submit {
            try? await Task.sleep(for: .seconds(300))
            cancelled.withLockedValue { $0 = Task.isCancelled }
        }
        work.finish()
        await running
        // Far below the work's 300 s (a loaded machine delays wake-ups by seconds).
        #expect(clock.now - started < .seconds(120))
        #expect(cancelled.withLockedValue { $0 })
    }
}
