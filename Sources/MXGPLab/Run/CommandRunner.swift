import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished command printed and how it ended.
public struct CommandResult: Sendable, Hashable {
    /// The exit status; 128+signal when a signal ended it; -1 when it could not start or timed out.
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// True when the command was stopped because it ran out of time.
    public var timedOut: Bool

    /// True for exit status 0.
    public var succeeded: Bool { status == 0 && !timedOut }

    public init(status: Int32, stdout: String = "", stderr: String = "", timedOut: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }

    /// Standard error, or standard output when that is empty, trimmed — for error messages.
    public var message: String {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? stdout.trimmingCharacters(in: .whitespacesAndNewlines) : text
    }
}

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

/// Runs real processes (Foundation `Process`), capturing their output.
public struct ProcessRunner: CommandRunner {
    public init() {}

    public func run(_ argv: [String], timeout: Duration) async -> CommandResult {
        guard !argv.isEmpty else { return CommandResult(status: -1, stderr: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let outText = PipeReader(out.fileHandleForReading)
        let errText = PipeReader(err.fileHandleForReading)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            try? out.fileHandleForWriting.close()
            try? err.fileHandleForWriting.close()
            _ = (outText.finish(), errText.finish())
            return CommandResult(status: -1, stderr: "could not start \(argv[0]): \(error)")
        }
        // The child has its copies; without closing ours the readers never see the end, and
        // every command would leak descriptors.
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        let pid = process.processIdentifier
        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        while finished.wait(timeout: .now()) == .timedOut {
            if ContinuousClock.now >= deadline {
                timedOut = true
                kill(pid, SIGKILL)
                finished.wait()
                break
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CommandResult(status: timedOut ? -1 : status, stdout: outText.finish(), stderr: errText.finish(), timedOut: timedOut)
    }
}

/// Drains a pipe on a background thread so a chatty child never blocks on a full pipe.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            try? handle.close()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
