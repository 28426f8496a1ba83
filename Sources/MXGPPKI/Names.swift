#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Checks for the names and addresses that go into certificates.
public enum PKINames {
    /// What a node name may look like (it becomes a file name and a DNS SAN).
    public static let nodeNameRule = "lower-case letters, digits, dashes and dots (a DNS name of at most 63 characters that starts with a letter or digit), not \"ca\""

    /// What a DNS name may look like.
    public static let dnsNameRule = "a DNS name such as mx1.example.net (labels of letters, digits and dashes, optionally starting with \"*.\")"

    /// True when `name` can name a node certificate: a lower-case DNS name of at most 63
    /// characters and not `ca` (which would collide with the CA files).
    public static func isValidNodeName(_ name: String) -> Bool {
        name != "ca" && name.utf8.count <= 63 && name == name.lowercased()
            && isValidDNSName(name, allowWildcard: false)
    }

    /// True when `name` is a DNS name: dot-separated labels of 1…63 letters, digits or
    /// dashes not starting or ending with a dash, at most 253 characters in all.
    public static func isValidDNSName(_ name: String, allowWildcard: Bool = true) -> Bool {
        var text = Substring(name)
        if allowWildcard, text.hasPrefix("*.") { text = text.dropFirst(2) }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
            return bytes.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
        }
    }

    /// The 4 (IPv4) or 16 (IPv6) bytes of a textual IP address, or nil.
    public static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if text.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if text.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The text of 4 or 16 address bytes (`192.0.2.1`, `2001:db8::1`), or a hex dump for other lengths.
    public static func ipAddressText<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let array = Array(bytes)
        let family: Int32
        switch array.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return array.map { String($0, radix: 16) }.joined(separator: ":")
        }
        var buffer = [CChar](repeating: 0, count: 64)
        let ok = array.withUnsafeBytes { source in
            inet_ntop(family, source.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return array.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
