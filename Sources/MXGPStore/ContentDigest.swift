import Crypto
import Foundation

/// SHA-256 digests (swift-crypto) as lower-case hex: the content half of the dedupe key.
public enum ContentDigest {
    /// The SHA-256 digest of `bytes`, 64 lower-case hex digits.
    public static func hex<D: DataProtocol>(_ bytes: D) -> String {
        hex(digest: SHA256.hash(data: bytes))
    }

    /// A finished digest as 64 lower-case hex digits.
    public static func hex(digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
