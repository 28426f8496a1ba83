import NIOConcurrencyHelpers

/// Work a service starts on behalf of its connections or its queue (a delivery, a custody
/// decision, a REPORT), run as child tasks of the service's own `run()` instead of detached
/// `Task`s, so none outlives the service.
///
/// The service calls ``run(drainFor:)`` inside its `run()`; event handlers ``submit(_:)``
/// work. At shutdown the service stops taking new work (``finish()``; later submissions are
/// refused, and the caller answers "try later"), then ``run(drainFor:)`` waits for the work
/// in progress at most the drain time, cancels what is left, and returns once every child
/// has ended. Only then does the service close what the work uses (connection pools…).
final class ServiceWork: Sendable {
    typealias Work = @Sendable () async -> Void

    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let running = NIOLockedValueBox(0)

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Runs `work` as a child task of ``run(drainFor:)``; false once ``finish()`` was called.
    @discardableResult
    func submit(_ work: @escaping Work) -> Bool {
        running.withLockedValue { $0 += 1 }
        if case .enqueued = continuation.yield(work) { return true }
        running.withLockedValue { $0 -= 1 }
        return false
    }

    /// Takes no more work; ``run(drainFor:)`` drains what is running and returns.
    func finish() { continuation.finish() }

    /// Work submitted and not yet ended.
    var inProgress: Int { running.withLockedValue { $0 } }

    /// Runs submitted work until ``finish()``, then waits for the work in progress at most
    /// `drain`, cancels what is left and returns when every child task has ended.
    func run(drainFor drain: Duration) async {
        let running = self.running
        do {
            try await withThrowingDiscardingTaskGroup { group in
                for await work in stream {
                    group.addTask {
                        await work()
                        running.withLockedValue { $0 -= 1 }
                    }
                }
                // No more work comes: a watchdog ends the drain; its error cancels the rest.
                group.addTask {
                    let deadline = ContinuousClock.now + drain
                    while running.withLockedValue({ $0 }) > 0 {
                        guard ContinuousClock.now < deadline, !Task.isCancelled else { throw DrainTimeout() }
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
        } catch {
            // DrainTimeout: the remaining work was cancelled and has ended.
        }
    }

    private struct DrainTimeout: Error {}
}
