import Foundation
import MXGPProcess
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Process spawner")
struct SpawnerTests {
    @Test func outputAndExitStatus() async {
        let result = await Spawner.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(10))
        #expect(result.status == 3 && !result.timedOut)
        #expect(result.stdout == "out\n" && result.stderr == "err\n")
        #expect(result.message == "err")
    }

    @Test func aSignalGivesTheShellStatus() async {
        let result = await Spawner.run(["sh", "-c", "kill -TERM $$"], timeout: .seconds(10))
        #expect(result.status == 128 + SIGTERM)
    }

    @Test func aMissingCommandCannotStart() async {
        let result = await Spawner.run(["mxgp-no-such-command"], timeout: .seconds(10))
        #expect(result.status == -1 && !result.succeeded)
        #expect(result.stderr.contains("could not start mxgp-no-such-command"))
    }

    // Time bounds here are far from the command's own duration, not tight: a loaded machine
    // (the suite runs in parallel) can delay a task's wake-up by seconds.
    @Test func theTimeoutKillsTheCommand() async {
        let started = ContinuousClock.now
        let result = await Spawner.run(["sleep", "300"], timeout: .milliseconds(200))
        #expect(result.timedOut && result.status == -1)
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func outputBeyondTheLimitIsDropped() async {
        let result = await Spawner.run(["head", "-c", "3000000", "/dev/zero"], timeout: .seconds(240), outputLimit: 1000)
        #expect(result.succeeded)
        #expect(result.stdout.utf8.count == 1000)
    }

    @Test func aGrandchildHoldingThePipesDoesNotMakeItWait() async {
        let started = ContinuousClock.now
        let result = await Spawner.run(["sh", "-c", "sleep 300 & echo $!"], timeout: .seconds(240))
        let grandchild = Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        if let grandchild { kill(grandchild, SIGKILL) }
        #expect(grandchild != nil && result.succeeded)
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func noDescriptorIsInherited() async throws {
        // A descriptor without close-on-exec, as a test listener or a library might leave one.
        let fd = open("/dev/null", O_RDONLY)
        #expect(fd > 2)
        defer { close(fd) }
        _ = fcntl(fd, F_SETFD, 0)
        let result = await Spawner.run(["sh", "-c", "ls /proc/$$/fd"], timeout: .seconds(10))
        let open = result.stdout.split(separator: "\n").compactMap { Int32($0) }
        #expect(open.contains(0) && open.contains(1) && open.contains(2))
        #expect(!open.contains(fd), "the child holds \(open)")
    }

    @Test func aChildProcessLogsAndIsKilled() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-spawn-\(UUID().uuidString.prefix(8)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo hello; exec sleep 30"], logPath: log)
        defer { child.kill() }
        #expect(!child.hasExited)
        #expect(await waitFor { child.logTail().contains("hello") })
        child.kill()
        #expect(child.hasExited && child.exitStatus == nil)
        child.kill()  // idempotent
    }

    @Test func aChildProcessExitStatus() async throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 7"], logPath: "/dev/null")
        #expect(await child.waitForExit(timeout: .seconds(10)))
        #expect(child.exitStatus == 7)
        #expect(throws: ChildProcessError.self) { try ChildProcess(executable: "/nonexistent/mxgp", arguments: [], logPath: "/dev/null") }
    }

    func waitFor(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<250 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
