import Foundation
import MXGPProcess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Spawner.runAttached` (lab shell, lab logs --follow, lab pcap): the command runs on this
/// process's own descriptors and its exit status comes back in the shell convention.
@Suite("Attached spawner", .serialized)  // each run sets and restores the process-wide SIGINT disposition
struct AttachedSpawnTests {
    @Test func exitStatusComesBack() async {
        #expect(await Spawner.runAttached(["sh", "-c", "exit 0"]) == 0)
        #expect(await Spawner.runAttached(["sh", "-c", "exit 3"]) == 3)
        #expect(await Spawner.runAttached(["sh", "-c", "kill -TERM $$"]) == 128 + SIGTERM)
    }

    @Test func aMissingProgramIsMinusOne() async {
        #expect(await Spawner.runAttached(["/nonexistent/mxgp-no-such-program"]) == -1)
        #expect(await Spawner.runAttached([]) == -1)
    }

    @Test func theCallerIgnoresCtrlCOnlyWhileTheCommandRuns() async {
        let before = signal(SIGINT, SIG_DFL)
        signal(SIGINT, before)
        // The child sees SIGINT with its default action (it is killed by it) ...
        #expect(await Spawner.runAttached(["sh", "-c", "kill -INT $$; sleep 5"]) == 128 + SIGINT)
        // ... and afterwards this process has its own disposition back.
        let after = signal(SIGINT, SIG_DFL)
        signal(SIGINT, after)
        #expect(unsafeBitCast(after, to: Int.self) == unsafeBitCast(before, to: Int.self))
    }
}
