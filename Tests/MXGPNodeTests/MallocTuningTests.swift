import Testing
@testable import MXGPNode

/// glibc's malloc settings: the environment wins; the trimmer stops with its task.
@Suite struct MallocTuningTests {
    @Test(arguments: [
        (["MALLOC_TRIM_THRESHOLD_": "131072"], false),
        (["MALLOC_MMAP_THRESHOLD_": "131072"], false),
        (["PATH": "/usr/bin"], true),
    ])
    func environmentDecides(environment: [String: String], applied: Bool) {
        #if canImport(Glibc)
        #expect(MallocTuning.apply(environment: environment) == applied)
        #else
        #expect(MallocTuning.apply(environment: environment) == false)
        #endif
    }

    @Test func trimmerTrimsAndStopsWhenCancelled() async throws {
        let task = Task { try await MallocTrimmer(interval: .milliseconds(10)).run() }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        // Returns promptly once cancelled (a hang would time the test out).
        try await task.value
    }
}
