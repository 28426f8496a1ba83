import Foundation
import Synchronization
import UnixSignals

/// Teardowns that run also when the test process is told to stop (SIGINT from Ctrl-C, SIGTERM
/// from `timeout` or a CI runner's cancel), not only when a test ends or fails: a lab test
/// registers what takes its labs down, so a stopped run leaves no namespaces, containers or
/// networks behind. On such a signal every registered teardown runs (for up to a minute), then
/// the process exits with status 128 + the signal.
public enum TestTeardown {
    private static let teardowns = Mutex<[@Sendable () async -> Void]>([])
    private static let watching = Mutex(false)

    /// Runs `teardown` when the process is stopped by SIGINT or SIGTERM.
    public static func onStop(_ teardown: @escaping @Sendable () async -> Void) {
        teardowns.withLock { $0.append(teardown) }
        let start = watching.withLock { started in defer { started = true }; return !started }
        guard start else { return }
        Task.detached {
            for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                let all = teardowns.withLock { $0 }
                let done = Task { await withTaskGroup(of: Void.self) { group in for teardown in all { group.addTask { await teardown() } } } }
                let deadline = Task { try? await Task.sleep(for: .seconds(60)); done.cancel() }
                await done.value
                deadline.cancel()
                exit(128 + signal.rawValue)
            }
        }
    }
}
