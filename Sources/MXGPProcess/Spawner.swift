#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The project's one way to run a command to completion: `posix_spawn`, standard input
/// `/dev/null`, standard output and error captured through pipes, no other inherited
/// descriptor, a time limit and an output limit. It waits by polling (`waitpid` with
/// `WNOHANG` and non-blocking reads between short sleeps), so it needs no extra thread, no
/// semaphore and no SIGCHLD handler, and a grandchild that keeps the pipes open cannot
/// make it hang.
public enum Spawner {
    /// Output kept per stream by default; the rest is read and dropped.
    public static let defaultOutputLimit = 16 << 20

    /// Runs `argv` (the first element is looked up in `PATH`) and waits at most `timeout`;
    /// then the command gets SIGKILL and the result says `timedOut`. Each of standard
    /// output and error keeps at most `outputLimit` bytes.
    public static func run(_ argv: [String], timeout: Duration, outputLimit: Int = defaultOutputLimit) async -> CommandResult {
        guard !argv.isEmpty else { return CommandResult(status: -1, stderr: "empty command") }
        guard var out = Pipe(), var err = Pipe() else {
            return CommandResult(status: -1, stderr: "could not start \(argv[0]): no pipe: \(String(cString: strerror(errno)))")
        }
        defer { out.closeRead(); err.closeRead() }
        let started = Spawn.start(argv, stdin: .devNullRead, stdout: .descriptor(out.write), stderr: .descriptor(err.write))
        // The child has its copies; ours would keep the pipes open.
        out.closeWrite()
        err.closeWrite()
        let pid: pid_t
        switch started {
        case .success(let child): pid = child
        case .failure(let error): return CommandResult(status: -1, stderr: "could not start \(argv[0]): \(String(cString: strerror(error.code)))")
        }
        var stdout = Capture(limit: outputLimit), stderr = Capture(limit: outputLimit)
        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(1)
        var raw: Int32?
        var timedOut = false
        while true {
            stdout.drain(out.read)
            stderr.drain(err.read)
            if let status = Reaper.poll(pid) {
                raw = status
                break
            }
            if ContinuousClock.now >= deadline || Task.isCancelled {
                timedOut = true
                kill(pid, SIGKILL)
                _ = Reaper.wait(pid)
                break
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(10))
        }
        // What the child wrote before it exited is in the pipes now.
        stdout.drain(out.read)
        stderr.drain(err.read)
        let status: Int32 = timedOut ? -1 : Reaper.shellStatus(raw ?? 0)
        return CommandResult(status: status, stdout: stdout.text, stderr: stderr.text, timedOut: timedOut)
    }

    /// A pipe whose read end is non-blocking and close-on-exec.
    private struct Pipe {
        var read: Int32
        var write: Int32

        init?() {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { return nil }
            read = fds[0]
            write = fds[1]
            _ = fcntl(read, F_SETFD, FD_CLOEXEC)
            _ = fcntl(write, F_SETFD, FD_CLOEXEC)
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
            #if os(Linux)
            // F_SETPIPE_SZ (declared only with _GNU_SOURCE): room for 1 MiB, so a chatty command
            // rarely waits for the next poll, even when the machine is busy.
            _ = fcntl(write, 1031, Int32(1 << 20))
            #endif
        }

        mutating func closeWrite() {
            if write >= 0 { close(write) }
            write = -1
        }

        mutating func closeRead() {
            if read >= 0 { close(read) }
            read = -1
        }
    }

    /// Bytes read from one pipe, up to a limit.
    private struct Capture {
        let limit: Int
        var bytes: [UInt8] = []
        var open = true

        init(limit: Int) { self.limit = limit }

        /// Reads what is there now, without blocking.
        mutating func drain(_ fd: Int32) {
            guard open else { return }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    bytes.append(contentsOf: buffer[..<min(count, max(0, limit - bytes.count))])
                    continue
                }
                if count == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) { open = false }
                if count < 0 && errno == EINTR { continue }
                return
            }
        }

        var text: String { String(decoding: bytes, as: UTF8.self) }
    }
}
