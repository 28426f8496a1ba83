#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resident memory and CPU time of a process, from Linux `/proc/<pid>/status` and `/stat`.
public struct ProcessUsage: Sendable, Hashable {
    /// VmRSS: resident now.
    public var residentBytes: Int
    /// VmHWM: the peak resident set size so far.
    public var peakResidentBytes: Int
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double

    /// Figures as measured elsewhere.
    public init(residentBytes: Int, peakResidentBytes: Int, cpuSeconds: Double) {
        self.residentBytes = residentBytes
        self.peakResidentBytes = peakResidentBytes
        self.cpuSeconds = cpuSeconds
    }

    /// The figures of process `pid`; nil when `/proc` does not show it.
    public static func of(pid: pid_t) -> ProcessUsage? {
        guard let status = readText("/proc/\(pid)/status") else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first
        }
        guard let rss = kilobytes("VmRSS"), let hwm = kilobytes("VmHWM") else { return nil }
        var cpu = 0.0
        if let stat = readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") {
            // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                cpu = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        return ProcessUsage(residentBytes: rss * 1024, peakResidentBytes: hwm * 1024, cpuSeconds: cpu)
    }

    /// This process.
    public static var current: ProcessUsage? { of(pid: getpid()) }

    /// The peak resident set size of this process in bytes (`getrusage`), on every system.
    public static func currentPeakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #endif
    }

    /// A small text file read whole (a `/proc` file), nil if it cannot be opened.
    static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
