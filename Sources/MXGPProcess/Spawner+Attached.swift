#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Spawner {
    /// Runs `argv` on this process's own standard input, output and error (a terminal, for
    /// `mxgp lab shell` and `lab logs --follow`) and returns its exit status in the shell
    /// convention (128 + signal when a signal ended it; -1 when it could not start, with the
    /// reason on standard error). No other descriptor is inherited and there is no time limit:
    /// the command ends when the person at the terminal ends it.
    ///
    /// While it runs, this process ignores SIGINT and SIGQUIT (as `system(3)` does), so Ctrl-C
    /// reaches the command in the foreground and not the caller.
    public static func runAttached(_ argv: [String]) async -> Int32 {
        guard !argv.isEmpty else { return -1 }
        let previousInterrupt = signal(SIGINT, SIG_IGN)
        let previousQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
        }
        let pid: pid_t
        switch Spawn.start(argv, stdin: .descriptor(0), stdout: .descriptor(1), stderr: .descriptor(2)) {
        case .success(let child): pid = child
        case .failure(let error):
            let line = "could not start \(argv[0]): \(String(cString: strerror(error.code)))\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            return -1
        }
        var pause = Duration.milliseconds(1)
        while true {
            if let raw = Reaper.poll(pid) { return Reaper.shellStatus(raw) }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }
}
