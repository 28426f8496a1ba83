import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import MXGPCore

/// `ByteToMessageDecoderVerifier` feeds each input whole, byte by byte and all
/// inputs concatenated, through a `ByteToMessageHandler(MXGPMessageDecoder())`.
@Suite("Codec verifier")
struct CodecVerifierTests {
    private func pair(_ messages: [MXGPMessage]) -> (ByteBuffer, [MXGPMessage]) {
        var buffer = ByteBuffer()
        for message in messages { message.encode(into: &buffer) }
        return (buffer, messages)
    }

    @Test("every sample message, one per input")
    func everySample() throws {
        let pairs = CodecSamples.messages.map { pair([$0.message]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { MXGPMessageDecoder() })
    }

    @Test("several messages per input")
    func severalPerInput() throws {
        let all = CodecSamples.messages.map(\.message)
        let pairs = stride(from: 0, to: all.count, by: 5).map { pair(Array(all[$0..<min($0 + 5, all.count)])) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { MXGPMessageDecoder() })
    }

    @Test("a session's worth of messages")
    func session() throws {
        let pairs = [
            pair([CodecSamples.open([.routeRefresh, .fastLiveness(intervalMilliseconds: 200)])]),
            pair([.keepalive]),
            pair([CodecSamples.update(CodecSamples.fullAttributes, announced: ["example.com", "."]), .endOfRIB]),
            pair([.update(UpdateMessage(withdrawn: [DomainName("example.com")!])), .keepalive, .keepalive]),
            pair([.routeRefresh]),
            pair([.report(ReportMessage(messageID: "id@x", reporter: 3, path: [1, 2, 3], reason: "spam"))]),
            pair([.notification(NotificationMessage(code: .cease, subcode: 2, text: "bye"))]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { MXGPMessageDecoder() })
    }

    @Test("a malformed attribute arrives as a withdraw, also byte by byte")
    func treatAsWithdraw() throws {
        // PRICE of length 3 (must be 4): the announcement of example.com becomes a withdraw.
        var buffer = ByteBuffer()
        let body: [UInt8] = [
            0, 0, 0, 0,  // no withdrawn domains
            0, 0, 0, 23,  // attributes
            0x40, 1, 0, 4, 0, 0, 0, 1,  // OPERATOR_PATH [1]
            0x40, 2, 0, 4, 0x68, 0x3A, 0x32, 0x35,  // NEXT_HOP h:25
            0x00, 3, 0, 3, 0, 0, 1,  // PRICE, 3 bytes
            7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65,  // "example"
        ]
        buffer.writeInteger(MXGPFraming.marker)
        buffer.writeInteger(UInt32(7 + body.count))
        buffer.writeInteger(MessageType.update.rawValue)
        buffer.writeBytes(body)
        let expected = MXGPMessage.update(UpdateMessage(
            withdrawn: [DomainName("example")!], treatedAsWithdraw: "PRICE has length 3, expected 4"))
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(buffer, [expected])], decoderFactory: { MXGPMessageDecoder() })
    }

    @Test("a header announcing too much fails on its seventh byte")
    func tooLargeFailsOnHeader() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MXGPMessageDecoder(maximumMessageSize: 4096)))
        let header: [UInt8] = [0x4D, 0x58, 0, 0, 0x10, 0x01, 2]  // 4097 bytes announced
        for byte in header.dropLast() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(throws: MXGPWireError(.messageTooLarge, "message length 4097 exceeds the maximum of 4096 bytes")) {
            try channel.writeInbound(ByteBuffer(bytes: [header.last!]))
        }
        _ = try? channel.finish()
    }

    @Test("end of stream inside a message is an error, a clean end is not")
    func endOfStream() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MXGPMessageDecoder()))
        var bytes = MXGPMessage.keepalive.encoded()
        bytes.writeBytes([0x4D, 0x58, 0])
        try channel.writeInbound(bytes)
        #expect(try channel.readInbound(as: MXGPMessage.self) == .keepalive)
        #expect(throws: MXGPWireError.self) { _ = try channel.finish() }

        let clean = EmbeddedChannel(handler: ByteToMessageHandler(MXGPMessageDecoder()))
        try clean.writeInbound(MXGPMessage.endOfRIB.encoded())
        #expect(try clean.readInbound(as: MXGPMessage.self) == .endOfRIB)
        #expect(try clean.finish().isClean)
    }
}
