import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-running child process (`mxgp node`, Postfix's master…) whose standard output and
/// error are appended to a log file; standard input is `/dev/null` and it inherits no other
/// descriptor. Used by `mxgp bench session` and the process tests.
///
/// `kill()` sends SIGKILL and reaps the child; it is idempotent, so callers put it in a
/// `defer`. Once the child has been reaped no signal is sent any more (its pid may have
/// been reused).
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// The program started.
    public let executable: String
    /// Its arguments (without the program).
    public let arguments: [String]
    /// The file its output and errors go to.
    public let logPath: String
    /// The raw `waitpid` status once reaped.
    private let status = NIOLockedValueBox<Int32?>(nil)

    /// Starts `executable arguments…` with the current environment.
    public init(executable: String, arguments: [String], logPath: String) throws {
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
        guard access(executable, X_OK) == 0 else { throw ChildProcessError.notExecutable(executable) }
        switch Spawn.start([executable] + arguments, stdin: .devNullRead, stdout: .append(logPath), stderr: .standardOutput) {
        case .success(let pid): self.pid = pid
        case .failure(let error): throw ChildProcessError.spawnFailed(executable, error.code)
        }
    }

    /// Sends `signal` unless the child has already been reaped.
    public func send(_ signal: Int32) {
        status.withLockedValue { status in
            guard status == nil else { return }
            _ = systemKill(pid, signal)
        }
    }

    /// True once the child has exited (reaps it without blocking).
    public var hasExited: Bool {
        status.withLockedValue { status in
            if status == nil, let raw = Reaper.poll(pid) { status = raw }
            return status != nil
        }
    }

    /// The exit status once the child exited normally; nil while it runs or when a signal ended it.
    public var exitStatus: Int32? {
        guard hasExited, let raw = status.withLockedValue({ $0 }) else { return nil }
        return Reaper.exitCode(raw)
    }

    /// Waits (polling) until the child exits or `timeout` passes; returns whether it exited.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if hasExited { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return hasExited
    }

    /// SIGKILL and reap. Safe to call more than once and on a stopped child.
    public func kill() {
        status.withLockedValue { status in
            guard status == nil else { return }
            _ = systemKill(pid, SIGKILL)
            status = Reaper.wait(pid)
        }
    }

    /// The last `lines` lines of the child's log, for error messages.
    public func logTail(lines: Int = 30) -> String {
        guard let text = ProcessUsage.readText(logPath) else { return "(no log at \(logPath))" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Memory and CPU figures of the running child (Linux `/proc`); nil once it exited or elsewhere.
    public var usage: ProcessUsage? { status.withLockedValue { $0 == nil ? ProcessUsage.of(pid: pid) : nil } }
}

/// `kill(2)` (the method of `ChildProcess` shadows the name inside the class).
private func systemKill(_ pid: pid_t, _ signal: Int32) -> Int32 { kill(pid, signal) }

/// Why a child process could not be started.
public enum ChildProcessError: Error, CustomStringConvertible {
    /// The program does not exist or may not be executed.
    case notExecutable(String)
    /// `posix_spawn` failed with this `errno`.
    case spawnFailed(String, Int32)

    public var description: String {
        switch self {
        case .notExecutable(let path): return "\(path) is missing or not executable"
        case .spawnFailed(let path, let code): return "cannot start \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// Reaping children with `waitpid`.
enum Reaper {
    /// The raw status if `pid` has exited (reaped now), nil while it runs.
    static func poll(_ pid: pid_t) -> Int32? {
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid { return raw }
        // Reaped by someone else, or not our child: nothing more will come.
        if result == -1 && errno == ECHILD { return 0x7f00 }
        return nil
    }

    /// Blocks until `pid` exits (for a child just sent SIGKILL).
    static func wait(_ pid: pid_t) -> Int32 {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 {
            if errno != EINTR { return 0x7f00 }
        }
        return raw
    }

    /// The exit code of a normal exit; nil when a signal ended the process.
    static func exitCode(_ raw: Int32) -> Int32? { raw & 0x7f == 0 ? (raw >> 8) & 0xff : nil }

    /// The shell convention: the exit code, or 128 + the signal that ended the process.
    static func shellStatus(_ raw: Int32) -> Int32 { exitCode(raw) ?? 128 + (raw & 0x7f) }
}
