#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Textual IP addresses through `inet_pton`/`inet_ntop`.
enum IPAddressText {
    /// The bytes of an IPv4 (dotted quad) or IPv6 address, nil when it is neither.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if text.contains("."), !text.contains(":"), inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if text.contains(":"), inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }

    /// The canonical text of an IPv6 address, nil when it is not one.
    static func canonicalIPv6(_ text: String) -> String? {
        guard text.contains(":"), let bytes = bytes(text), bytes.count == 16 else { return nil }
        return self.text(bytes)
    }

    /// The canonical text of 4 or 16 address bytes.
    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = inet_ntop(family, bytes, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
