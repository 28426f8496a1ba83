#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc settings for a running node.
///
/// By default glibc gives freed memory back to the kernel as soon as 128 KiB are free at the
/// top of a heap (each thread's arena has its own). A relay under load frees and allocates
/// message-sized buffers on several threads all the time, so its arenas shrank and grew
/// again: `madvise` calls (about 1.8 per message), TLB shootdowns between the cores and page
/// faults on the memory touched again. Keeping up to 8 MiB free per heap before trimming (and
/// sending allocations of 1 MiB and more to `mmap`, so large buffers still go back when freed)
/// took `Scripts/bench-peers-relay --only mxgp --n 5000 --runs 3` from 1,525–1,612 to
/// 1,766–1,772 msg/s. The idle quickstart nodes (`Scripts/bench-node-rss`) and the 5M-route
/// receiver's peak (`Scripts/bench-peers-routing --only mxgp`) did not grow.
public enum MallocTuning {
    /// Most free memory at the top of a heap before glibc trims it.
    public static let trimThreshold: Int32 = 8 << 20
    /// Allocations of this size or more get their own mapping.
    public static let mmapThreshold: Int32 = 1 << 20

    /// Applies the settings unless the environment sets glibc's own (`MALLOC_TRIM_THRESHOLD_`,
    /// `MALLOC_MMAP_THRESHOLD_`), which then stay in charge. Does nothing off glibc.
    public static func apply(environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_TRIM_THRESHOLD_"] == nil, environment["MALLOC_MMAP_THRESHOLD_"] == nil else { return }
        // `mallopt` and <malloc.h>'s constants do not reach Swift's Glibc module: look the
        // function up (RTLD_DEFAULT is a null handle) and pass M_TRIM_THRESHOLD (-1) and
        // M_MMAP_THRESHOLD (-3), fixed in glibc's ABI.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(-1, trimThreshold)
        _ = mallopt(-3, mmapThreshold)
        #endif
    }
}
