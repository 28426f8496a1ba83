import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// TCP ports on `host` (a loopback address) for a child process or a server to listen on
/// (`mxgp node` takes fixed ports).
///
/// The ports come from below the kernel's ephemeral range, each checked free by binding it
/// once. A port bound to 0 would come from the ephemeral range, where any outgoing
/// connection's source port can take it between the check and the child's own bind; below
/// that range only an explicit bind can. Successive calls in one process never hand out the
/// same port, and processes start at different offsets (by pid).
public func freeLoopbackPorts(_ count: Int, host: String = "127.0.0.1") async throws -> [Int] {
    var ports: [Int] = []
    var attempts = 0
    while ports.count < count {
        attempts += 1
        guard attempts < 10_000 else { throw LoopbackPortsExhausted(wanted: count, host: host) }
        let port = LoopbackPortRange.next()
        if let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: host, port: port).get() {
            try await channel.close().get()
            ports.append(port)
        }
    }
    return ports
}

/// No free port was found below the ephemeral range.
public struct LoopbackPortsExhausted: Error, CustomStringConvertible {
    /// How many ports were asked for.
    public var wanted: Int
    /// Where.
    public var host: String
    public var description: String { "no \(wanted) free TCP ports on \(host) below the ephemeral range" }
}

/// Hands out ports below the ephemeral range, round robin.
enum LoopbackPortRange {
    /// The range used: the 12 000 ports below the ephemeral range (32768 by default), above 1024.
    static let range: ClosedRange<Int> = {
        let low = ephemeralLow()
        return max(1025, low - 12_000)...(low - 1)
    }()

    private static let cursor = NIOLockedValueBox(Int(getpid()) * 97)

    static func next() -> Int {
        cursor.withLockedValue { cursor in
            cursor += 1
            return range.lowerBound + cursor % range.count
        }
    }

    /// The first port of the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`).
    static func ephemeralLow() -> Int {
        guard let file = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r") else { return 32768 }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, file) != nil else { return 32768 }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let low = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap({ Int($0) }),
              low > 2048 else { return 32768 }
        return low
    }
}
