import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Appends TLS session secrets to a file in the SSLKEYLOGFILE format (one `LABEL
/// client_random secret` line per secret, what Wireshark reads to decrypt a capture). Only
/// lab nodes do this (`tls.key-log`, which the config accepts with `timers.profile: lab`
/// only): the file lets anyone who has it read every session.
public final class TLSKeyLog: Sendable {
    /// The file the secrets go to.
    public let path: String
    private let lock = NIOLock()

    public init(path: String) { self.path = path }

    /// The callback for `TLSConfiguration.keyLogCallback`.
    public var callback: NIOSSLKeyLogCallback {
        { [self] line in append(line) }
    }

    /// Appends one line (and its newline); a file that cannot be opened loses the line
    /// (a capture then stays encrypted, the session is not affected).
    func append(_ line: ByteBuffer) {
        var bytes = Array(line.readableBytesView)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        lock.withLock {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return }
            defer { close(fd) }
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}
