#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// glibc's malloc settings for a running node.
///
/// By default glibc gives freed memory back to the kernel as soon as 128 KiB are free at the
/// top of a heap (each thread's arena has its own). A relay under load frees and allocates
/// message-sized buffers on several threads all the time, so its arenas shrank and grew
/// again: `madvise` calls (about 1.8 per message), TLB shootdowns between the cores and page
/// faults on the memory touched again. Keeping up to 8 MiB free per heap before trimming (and
/// sending allocations of 1 MiB and more to `mmap`, so large buffers still go back when freed)
/// took `Scripts/bench-peers-relay --only mxgp --n 5000 --runs 3` from 1,525–1,612 to
/// 1,766–1,772 msg/s.
///
/// Memory kept that way is handed back by ``MallocTrimmer`` every 15 s: without it, the nodes
/// of `Labs/large-1000.yaml` held 10.5 MiB PSS each when idle instead of 8.3.
public enum MallocTuning {
    /// Most free memory at the top of a heap before glibc trims it.
    public static let trimThreshold: Int32 = 8 << 20
    /// Allocations of this size or more get their own mapping.
    public static let mmapThreshold: Int32 = 1 << 20

    /// Applies the settings unless the environment sets glibc's own (`MALLOC_TRIM_THRESHOLD_`,
    /// `MALLOC_MMAP_THRESHOLD_`), which then stay in charge. Returns true when applied (false
    /// off glibc).
    @discardableResult
    public static func apply(environment: [String: String]) -> Bool {
        guard environment["MALLOC_TRIM_THRESHOLD_"] == nil, environment["MALLOC_MMAP_THRESHOLD_"] == nil,
            let mallopt = function("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self)
        else { return false }
        // M_TRIM_THRESHOLD (-1) and M_MMAP_THRESHOLD (-3), fixed in glibc's ABI.
        _ = mallopt(-1, trimThreshold)
        _ = mallopt(-3, mmapThreshold)
        return true
    }

    /// Gives every arena's free memory back to the kernel now (`malloc_trim(0)`).
    public static func trim() {
        guard let trim = function("malloc_trim", as: (@convention(c) (Int) -> Int32).self) else { return }
        _ = trim(0)
    }

    /// A libc function looked up by name: `mallopt`, `malloc_trim` and <malloc.h>'s constants
    /// do not reach Swift's Glibc module (RTLD_DEFAULT is a null handle).
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}

/// Hands the free memory that ``MallocTuning`` lets the heaps keep back to the kernel every
/// `interval` (one `malloc_trim` per wakeup; a relay under load pays it once per interval
/// instead of on every free).
public struct MallocTrimmer: Service {
    public var interval: Duration

    public init(interval: Duration = .seconds(15)) {
        self.interval = interval
    }

    /// Trims every `interval` until the node shuts down (a graceful shutdown ends the sleep).
    public func run() async throws {
        let interval = self.interval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                MallocTuning.trim()
            }
        }
    }
}
