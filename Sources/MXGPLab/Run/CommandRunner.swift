import MXGPProcess

/// What a finished command printed and how it ended (``MXGPProcess/CommandResult``).
public typealias CommandResult = MXGPProcess.CommandResult

/// Runs commands; the lab backends and faults go through this so tests can record them.
public protocol CommandRunner: Sendable {
    /// Runs `argv` (the first element is looked up in PATH) and waits at most `timeout`.
    func run(_ argv: [String], timeout: Duration) async -> CommandResult
}

/// A command that failed: which one, and what it said.
public struct CommandFailure: Error, Sendable, CustomStringConvertible {
    public var argv: [String]
    public var result: CommandResult
    public var description: String {
        let what = result.timedOut ? "timed out" : "failed (exit status \(result.status))"
        let said = result.message
        return "`\(argv.joined(separator: " "))` \(what)" + (said.isEmpty ? "" : ": \(said)")
    }
}

extension CommandRunner {
    /// Runs `argv` with a 30 s limit.
    public func run(_ argv: [String]) async -> CommandResult { await run(argv, timeout: .seconds(30)) }

    /// Runs `argv` and throws ``CommandFailure`` unless it exits 0; returns standard output.
    @discardableResult
    public func check(_ argv: [String], timeout: Duration = .seconds(30)) async throws -> String {
        let result = await run(argv, timeout: timeout)
        guard result.succeeded else { throw CommandFailure(argv: argv, result: result) }
        return result.stdout
    }
}

/// Runs real processes with the project's spawner (``Spawner``): no inherited descriptors,
/// output captured up to a limit, SIGKILL when the time is up.
public struct ProcessRunner: CommandRunner {
    /// A runner of real processes.
    public init() {}

    /// Runs `argv` with ``Spawner/run(_:timeout:outputLimit:)``.
    public func run(_ argv: [String], timeout: Duration) async -> CommandResult {
        await Spawner.run(argv, timeout: timeout)
    }
}
