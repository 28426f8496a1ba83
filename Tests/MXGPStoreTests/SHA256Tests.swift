import Crypto
import Foundation
import Testing
@testable import MXGPStore

@Suite("SHA-256")
struct SHA256Tests {
    @Test("NIST vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func vectors(input: String, expected: String) {
        #expect(ContentDigest.hex(Array(input.utf8)) == expected)
    }

    @Test("one million 'a'")
    func million() {
        #expect(ContentDigest.hex([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("incremental updates across block boundaries match one-shot")
    func incremental() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for chunk in [1, 7, 63, 64, 65, 200] {
            var hasher = SHA256()
            var index = 0
            while index < bytes.count {
                let end = min(index + chunk, bytes.count)
                hasher.update(data: bytes[index..<end])
                index = end
            }
            #expect(ContentDigest.hex(digest: hasher.finalize()) == ContentDigest.hex(bytes), "chunk \(chunk)")
        }
    }

    @Test("padding edge lengths 55, 56, 63, 64 bytes")
    func paddingEdges() {
        // Known digests of "a" repeated n times.
        let expected = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (n, digest) in expected {
            #expect(ContentDigest.hex([UInt8](repeating: 0x61, count: n)) == digest, "length \(n)")
        }
    }
}

@Suite("Message text")
struct MessageTextTests {
    @Test("header fields are unfolded and found case-insensitively")
    func headers() {
        let text = MessageText(Data("message-id:  <x@y>\r\nSubject: a\r\n  folded\r\n\r\nbody\r\n".utf8))
        #expect(text.messageId == "<x@y>")
        #expect(text.subject == "a folded")
    }

    @Test("the body digest ignores headers, line-end style and trailing empty lines")
    func digestNormalisation() {
        let a = MessageText(Data("Received: x\r\nMessage-ID: <1@a>\r\n\r\nline1\r\nline2\r\n".utf8))
        let b = MessageText(Data("Received: y\nReceived: z\nMessage-ID: <1@a>\n\nline1\nline2\n\n\n".utf8))
        let c = MessageText(Data("Message-ID: <1@a>\r\n\r\nline1\r\nline3\r\n".utf8))
        #expect(a.bodyDigest == b.bodyDigest)
        #expect(a.bodyDigest != c.bodyDigest)
    }
}
