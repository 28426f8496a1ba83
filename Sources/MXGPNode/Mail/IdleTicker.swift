import NIOConcurrencyHelpers

/// The delivery engine's clock: calls `tick` every `interval` while its owner is busy, and
/// after `idleInterval` while it is idle, sleeping through the idle time in one piece — one
/// wakeup instead of one per interval, which is most of an idle node's CPU in a big lab
/// (docs/LABS.md, "Big labs"). ``busy()`` ends an idle sleep at once (the owner has work:
/// ticks are due every `interval` again), ``stop()`` ends ``run(interval:idleInterval:isIdle:tick:)``.
final class IdleTicker: Sendable {
    private struct State {
        var stopped = false
        /// The idle sleep in progress, if any.
        var sleeper: Task<Void, Never>?
    }
    private let state = NIOLockedValueBox(State())

    /// Ticks until ``stop()`` or cancellation. `isIdle` is asked before each sleep; the owner
    /// must make it false before calling ``busy()``.
    func run(interval: Duration, idleInterval: Duration, isIdle: @Sendable () -> Bool, tick: @Sendable () -> Void) async {
        while !Task.isCancelled, !state.withLockedValue({ $0.stopped }) {
            if isIdle() {
                let sleeper = Task { _ = try? await Task.sleep(for: idleInterval) }
                let stopped = state.withLockedValue { state -> Bool in
                    state.sleeper = sleeper
                    return state.stopped
                }
                // busy() or stop() may have come between the look and the store.
                if stopped || !isIdle() { sleeper.cancel() }
                await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
                state.withLockedValue { $0.sleeper = nil }
            } else {
                try? await Task.sleep(for: interval)
            }
            if Task.isCancelled || state.withLockedValue({ $0.stopped }) { return }
            tick()
        }
    }

    /// The owner has work: an idle sleep ends now.
    func busy() { state.withLockedValue { $0.sleeper?.cancel() } }

    /// Ends ``run(interval:idleInterval:isIdle:tick:)`` (an idle sleep at once, a busy one after its interval).
    func stop() {
        state.withLockedValue { state in
            state.stopped = true
            state.sleeper?.cancel()
        }
    }
}
