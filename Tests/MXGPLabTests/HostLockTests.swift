import Foundation
import Testing
@testable import MXGPLab

/// The host-wide lock container labs hold while they choose an address block and create their networks.
@Suite struct HostLockTests {
    actor Log {
        var lines: [String] = []
        func add(_ line: String) { lines.append(line) }
    }

    static func scratchLock() -> HostLock { HostLock(name: "mxgp-hostlock-test-\(UInt32.random(in: 0...UInt32.max)).lock") }

    /// A second holder waits until the first is done, also within one process.
    @Test func holdersTakeTurns() async throws {
        let lock = Self.scratchLock()
        defer { try? FileManager.default.removeItem(atPath: lock.path) }
        let log = Log()
        let first = Task {
            try await lock.withLock {
                await log.add("first in")
                try await Task.sleep(for: .milliseconds(400))
                await log.add("first out")
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        try await lock.withLock { await log.add("second in") }
        try await first.value
        #expect(await log.lines == ["first in", "first out", "second in"])
    }

    /// A holder that waits too long gets an error naming the lock; the lock is free again after its holder returns or throws.
    @Test func waitingTooLongThrowsAndTheLockIsReleasedAfterAnError() async throws {
        let lock = Self.scratchLock()
        defer { try? FileManager.default.removeItem(atPath: lock.path) }
        let holder = Task { try await lock.withLock { try await Task.sleep(for: .milliseconds(600)) } }
        try await Task.sleep(for: .milliseconds(100))
        let error = await #expect(throws: LabError.self) { try await lock.withLock(timeout: .milliseconds(200)) {} }
        #expect(error?.description.contains(lock.path) == true)
        try await holder.value
        await #expect(throws: CancellationError.self) { try await lock.withLock { throw CancellationError() } }
        let value = try await lock.withLock(timeout: .milliseconds(200)) { 42 }
        #expect(value == 42)
    }
}
