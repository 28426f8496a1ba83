import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock every process on the host shares (`flock(2)` on a file in `/run/lock`, or the
/// temporary folder where that is not writable): container labs hold it from choosing their
/// address block until their networks exist, so two `lab up` at once, from any lab folder,
/// never pick the same block. Waiting polls (no thread blocks), and the kernel releases the
/// lock of a process that dies.
public struct HostLock: Sendable {
    /// The lock file.
    public let path: String

    /// The lock named `name` (a file name).
    public init(name: String) {
        let folder = access("/run/lock", W_OK) == 0 ? "/run/lock" : NSTemporaryDirectory()
        path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// The lock of container labs' address blocks.
    public static let addressBlocks = HostLock(name: "mxgp-lab-address-blocks.lock")

    /// Runs `body` holding the lock; waits for it up to `timeout`, then throws.
    public func withLock<T>(timeout: Duration = .seconds(600), _ body: () async throws -> T) async throws -> T {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw LabError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }  // closing releases the lock
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw LabError("cannot lock \(path): \(String(cString: strerror(errno)))") }
            guard ContinuousClock.now < deadline else {
                throw LabError("another container lab has been coming up for over \(timeout) (it holds \(path)); wait for it, or stop it")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await body()
    }
}
