import Foundation
import MXGPCore
import MXGPStore

/// Measures `accept` throughput with group commit (for `Scripts/bench-relay`).
public enum StoreBenchmark {
    /// The outcome of one run.
    public struct Result: Sendable {
        /// Wall-clock seconds for all accepts.
        public var seconds: Double
        /// Accepts per second.
        public var messagesPerSecond: Double
        /// Write transactions (fsyncs) for `messages` accepts.
        public var commits: Int
    }

    /// Accepts `messages` messages of `size` bytes from `concurrency` concurrent senders
    /// into a fresh store in a temporary directory (removed afterwards).
    public static func run(messages: Int = 5000, concurrency: Int = 20, size: Int = 4096) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mxgp-bench-\(UInt32.random(in: .min ... .max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try NodeStore(directory: directory)
        defer { try? store.close() }
        let body = String(repeating: "x", count: max(0, size - 120))
        let workers = max(1, concurrency)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var n = worker
                    while n < messages {
                        let text = "Message-ID: <bench-\(n)@mxgp>\r\nSubject: bench \(n)\r\n\r\n\(body)\r\n"
                        _ = try await store.accept(IncomingMessage(
                            envelopeFrom: "bench@mxgp.test",
                            recipients: [.init(address: "user\(n % 50)@remote.test", local: false)],
                            data: Data(text.utf8), receivedFrom: "bench", hops: ["bench"]))
                        n += workers
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = start.duration(to: .now)
        let seconds = elapsed.inSeconds
        let stats = await store.groupCommitStats()
        return Result(seconds: seconds, messagesPerSecond: Double(messages) / max(seconds, 1e-9), commits: stats.commits)
    }
}
