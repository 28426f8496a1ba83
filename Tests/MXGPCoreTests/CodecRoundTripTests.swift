import NIOCore
import Testing

@testable import MXGPCore

/// A named message for parameterized tests (the name shows in the test report).
struct CodecSampleMessage: Sendable, CustomTestStringConvertible {
    var name: String
    var message: MXGPMessage
    var testDescription: String { name }

    init(_ name: String, _ message: MXGPMessage) {
        self.name = name
        self.message = message
    }
}

/// Valid messages covering every message type, capability and attribute.
enum CodecSamples {
    static let signature: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }

    static func open(_ capabilities: [Capability], role: Relationship = .peer, nodeRole: NodeRole = .colo, hold: UInt16 = 90) -> MXGPMessage {
        .open(OpenMessage(
            operatorNumber: 65001, holdTime: hold, role: role, nodeRole: nodeRole,
            region: Region("US")!, nodeName: "colo-a.lab", capabilities: capabilities))
    }

    static let fullAttributes = PathAttributes(
        operatorPath: [65003, 65002, 65001], nextHop: "relay-1.example:2525", price: 12,
        onlyToCustomer: 65002, communities: [Community(65001, 1, 2), Community(65002, 0, 0), Community(4_294_967_295, 7, 9)],
        regionPolicy: [Region("RU")!, Region("KP")!], originProof: OriginProof(region: Region("DE")!, registrySerial: 42, signature: signature),
        draining: true,
        unknown: [RawAttribute(flags: AttributeFlags.optional | AttributeFlags.transitive, type: 200, value: [1, 2, 3])])

    static func update(_ attributes: PathAttributes, announced: [String] = ["example.com"], withdrawn: [String] = []) -> MXGPMessage {
        .update(UpdateMessage(
            withdrawn: withdrawn.map { DomainName($0)! }, attributes: attributes, announced: announced.map { DomainName($0)! }))
    }

    static let allNotificationCodes: [NotificationCode] = (0...255).compactMap { NotificationCode(rawValue: UInt8($0)) }

    static let minimal = PathAttributes(operatorPath: [65001], nextHop: "10.0.0.1:25")

    static let messages: [CodecSampleMessage] = [
        CodecSampleMessage("OPEN no capabilities", open([])),
        CodecSampleMessage("OPEN route-refresh", open([.routeRefresh])),
        CodecSampleMessage("OPEN fast-liveness", open([.fastLiveness(intervalMilliseconds: 100)])),
        CodecSampleMessage("OPEN fast-liveness minimum", open([.fastLiveness(intervalMilliseconds: 10)])),
        CodecSampleMessage("OPEN maximum-message-size", open([.maximumMessageSize(65536)])),
        CodecSampleMessage("OPEN maximum-message-size minimum", open([.maximumMessageSize(4096)])),
        CodecSampleMessage("OPEN unknown capability", open([.unknown(code: 99, value: [1, 2, 3])])),
        CodecSampleMessage("OPEN unknown empty capability", open([.unknown(code: 255, value: [])])),
        CodecSampleMessage("OPEN unknown capability 255 bytes", open([.unknown(code: 4, value: Array(repeating: 0xAB, count: 255))])),
        CodecSampleMessage("OPEN every capability", open([
            .routeRefresh, .fastLiveness(intervalMilliseconds: 300), .maximumMessageSize(1 << 20), .unknown(code: 77, value: [0]),
        ])),
        CodecSampleMessage("OPEN customer upstream", open([.routeRefresh], role: .customer, nodeRole: .upstream)),
        CodecSampleMessage("OPEN provider tier1", open([.routeRefresh], role: .provider, nodeRole: .tier1)),
        CodecSampleMessage("OPEN hold 0", open([], hold: 0)),
        CodecSampleMessage("OPEN hold 3", open([], hold: 3)),
        CodecSampleMessage("OPEN hold max", open([], hold: .max)),
        CodecSampleMessage("OPEN UTF-8 name 63 bytes", .open(OpenMessage(
            operatorNumber: .max, holdTime: 30, role: .peer, nodeRole: .tier1, region: Region("JP")!,
            nodeName: "ノード" + String(repeating: "n", count: 54), capabilities: []))),
        CodecSampleMessage("KEEPALIVE", .keepalive),
        CodecSampleMessage("ROUTE-REFRESH", .routeRefresh),
        CodecSampleMessage("END-OF-RIB", .endOfRIB),
        CodecSampleMessage("UPDATE empty", .update(UpdateMessage())),
        CodecSampleMessage("UPDATE withdrawn only", .update(UpdateMessage(withdrawn: [DomainName("example.com")!, DomainName("a.b.example")!]))),
        CodecSampleMessage("UPDATE withdraw root", .update(UpdateMessage(withdrawn: [.root]))),
        CodecSampleMessage("UPDATE minimal attributes", update(minimal)),
        CodecSampleMessage("UPDATE every attribute", update(fullAttributes, announced: ["example.com", "mail.example.org"], withdrawn: ["old.example"])),
        CodecSampleMessage("UPDATE price only", update(PathAttributes(operatorPath: [1], nextHop: "relay:25", price: .max))),
        CodecSampleMessage("UPDATE OTC", update(PathAttributes(operatorPath: [2, 1], nextHop: "relay:25", onlyToCustomer: 2))),
        CodecSampleMessage("UPDATE communities", update(PathAttributes(
            operatorPath: [1], nextHop: "relay:25", communities: [Community(1, 2, 3), Community(0, 0, 0), Community(.max, .max, .max)]))),
        CodecSampleMessage("UPDATE region policy", update(PathAttributes(operatorPath: [1], nextHop: "relay:25", regionPolicy: [Region("CN")!]))),
        CodecSampleMessage("UPDATE origin proof unsigned", update(PathAttributes(
            operatorPath: [1], nextHop: "relay:25", originProof: OriginProof(region: Region("FR")!)))),
        CodecSampleMessage("UPDATE origin proof signed", update(PathAttributes(
            operatorPath: [1], nextHop: "relay:25", originProof: OriginProof(region: Region("FR")!, registrySerial: .max, signature: signature)))),
        CodecSampleMessage("UPDATE draining", update(PathAttributes(operatorPath: [1], nextHop: "relay:25", draining: true))),
        CodecSampleMessage("UPDATE unknown optional transitive", update(PathAttributes(
            operatorPath: [1], nextHop: "relay:25",
            unknown: [
                RawAttribute(flags: 0xC0, type: 100, value: []),
                RawAttribute(flags: 0xE0, type: 250, value: Array(repeating: 9, count: 300)),
            ]))),
        CodecSampleMessage("UPDATE IPv6 next hop", update(PathAttributes(operatorPath: [1], nextHop: "[2001:db8::1]:25"))),
        CodecSampleMessage("UPDATE port 65535", update(PathAttributes(operatorPath: [1], nextHop: "relay:65535"))),
        CodecSampleMessage("UPDATE path of 255", update(PathAttributes(operatorPath: (1...255).map { OperatorNumber($0) }, nextHop: "relay:25"))),
        CodecSampleMessage("UPDATE root domain", update(minimal, announced: ["."])),
        CodecSampleMessage("UPDATE root and names", update(minimal, announced: [".", "example", "a-b.c_d.example"], withdrawn: ["."])),
        CodecSampleMessage("UPDATE longest domain", update(minimal, announced: [
            [String](repeating: String(repeating: "a", count: 63), count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 61),
        ])),
        CodecSampleMessage("UPDATE many domains", update(minimal, announced: (0..<500).map { "d\($0).example" })),
        CodecSampleMessage("NOTIFICATION cease", .notification(NotificationMessage(code: .cease, subcode: 2, text: "administrative shutdown"))),
        CodecSampleMessage("NOTIFICATION empty text", .notification(NotificationMessage(code: .holdTimerExpired, text: ""))),
        CodecSampleMessage("NOTIFICATION UTF-8 text", .notification(NotificationMessage(code: .openMessageError, subcode: 4, text: "rôle ≠ 期待"))),
        CodecSampleMessage("NOTIFICATION 1024-byte text", .notification(NotificationMessage(
            code: .updateMessageError, subcode: 255, text: String(repeating: "t", count: 1024)))),
        CodecSampleMessage("REPORT", .report(ReportMessage(messageID: "abc@mail.example", reporter: 65009, path: [65001, 65002, 65009], reason: "spam"))),
        CodecSampleMessage("REPORT empty path and reason", .report(ReportMessage(messageID: "x", reporter: 0, path: [], reason: ""))),
        CodecSampleMessage("REPORT longest", .report(ReportMessage(
            messageID: String(repeating: "m", count: 998), reporter: .max, path: (1...255).map { OperatorNumber($0) },
            reason: String(repeating: "r", count: 1024)))),
    ] + allNotificationCodes.map {
        CodecSampleMessage("NOTIFICATION code \($0.rawValue)", .notification(NotificationMessage(code: $0, subcode: 1, text: "\($0)")))
    }
}


@Suite("Codec round trip")
struct CodecRoundTripTests {
    @Test("encode then decode gives the same message, consuming exactly its bytes", arguments: CodecSamples.messages)
    func roundTrip(_ sample: CodecSampleMessage) throws {
        var buffer = sample.message.encoded()
        let encodedLength = buffer.readableBytes
        #expect(Int(buffer.getInteger(at: 2, as: UInt32.self)!) == encodedLength)
        #expect(buffer.getInteger(at: 6, as: UInt8.self) == sample.message.typeCode)
        var decoder = MXGPMessageDecoder()
        let decoded = try decoder.decode(buffer: &buffer)
        #expect(decoded == sample.message)
        #expect(buffer.readableBytes == 0)
        // Canonical: re-encoding the decoded message gives the same bytes.
        if let decoded {
            #expect(decoded.encoded() == sample.message.encoded())
        }
    }

    @Test("every sample decodes one after another from one buffer")
    func concatenated() throws {
        var buffer = ByteBuffer()
        for sample in CodecSamples.messages { sample.message.encode(into: &buffer) }
        var decoder = MXGPMessageDecoder()
        var decoded: [MXGPMessage] = []
        while let message = try decoder.decode(buffer: &buffer) { decoded.append(message) }
        #expect(decoded == CodecSamples.messages.map(\.message))
        #expect(buffer.readableBytes == 0)
    }

    @Test("a message split at every byte needs more data until its last byte", arguments: [
        CodecSamples.messages[9], CodecSamples.messages[23], CodecSamples.messages[CodecSamples.messages.count - 1],
    ])
    func everyPrefixNeedsMoreData(_ sample: CodecSampleMessage) throws {
        let bytes = Array(sample.message.encoded().readableBytesView)
        var decoder = MXGPMessageDecoder()
        for cut in 0..<bytes.count {
            var prefix = ByteBuffer(bytes: bytes[0..<cut])
            #expect(try decoder.decode(buffer: &prefix) == nil, "prefix of \(cut) bytes")
            #expect(prefix.readableBytes == cut, "a partial message must not be consumed")
        }
    }

    @Test("the encoding is pinned byte for byte")
    func goldenBytes() {
        #expect(Array(MXGPMessage.keepalive.encoded().readableBytesView) == [0x4D, 0x58, 0, 0, 0, 7, 4])
        #expect(Array(MXGPMessage.routeRefresh.encoded().readableBytesView) == [0x4D, 0x58, 0, 0, 0, 7, 5])
        #expect(Array(MXGPMessage.endOfRIB.encoded().readableBytesView) == [0x4D, 0x58, 0, 0, 0, 7, 6])
        let open = MXGPMessage.open(OpenMessage(
            operatorNumber: 0x0102_0304, holdTime: 90, role: .customer, nodeRole: .upstream, region: Region("DE")!,
            nodeName: "n", capabilities: [.routeRefresh, .fastLiveness(intervalMilliseconds: 200), .maximumMessageSize(4096)]))
        #expect(Array(open.encoded().readableBytesView) == [
            0x4D, 0x58, 0, 0, 0, 34, 1,  // header
            1, 1, 2, 3, 4, 0, 90, 3, 2, 0x44, 0x45,  // version, operator, hold, role, node role, region
            1, 0x6E,  // name
            0, 12, 1, 0, 2, 2, 0, 200, 3, 4, 0, 0, 0x10, 0,  // capabilities
        ])
        let update = MXGPMessage.update(UpdateMessage(
            withdrawn: [DomainName("a.b")!],
            attributes: PathAttributes(operatorPath: [7], nextHop: "h:25", price: 1, onlyToCustomer: 9),
            announced: [.root]))
        #expect(Array(update.encoded().readableBytesView) == [
            0x4D, 0x58, 0, 0, 0, 53, 2,
            0, 0, 0, 4, 3, 0x61, 0x2E, 0x62,  // withdrawn
            0, 0, 0, 32,  // attributes length
            0x40, 1, 0, 4, 0, 0, 0, 7,  // OPERATOR_PATH
            0x40, 2, 0, 4, 0x68, 0x3A, 0x32, 0x35,  // NEXT_HOP
            0x00, 3, 0, 4, 0, 0, 0, 1,  // PRICE
            0xC0, 4, 0, 4, 0, 0, 0, 9,  // OTC
            1, 0x2E,  // announced "."
        ])
        let drain = MXGPMessage.update(UpdateMessage(
            attributes: PathAttributes(operatorPath: [7], nextHop: "h:25", draining: true), announced: [.root]))
        #expect(Array(drain.encoded().readableBytesView) == [
            0x4D, 0x58, 0, 0, 0, 45, 2,
            0, 0, 0, 0,  // no withdrawn
            0, 0, 0, 28,  // attributes length
            0x40, 1, 0, 4, 0, 0, 0, 7,  // OPERATOR_PATH
            0x40, 2, 0, 4, 0x68, 0x3A, 0x32, 0x35,  // NEXT_HOP
            0x00, 3, 0, 4, 0, 0, 0, 0,  // PRICE
            0xC0, 8, 0, 0,  // DRAINING: optional transitive, empty
            1, 0x2E,  // announced "."
        ])
        let report = MXGPMessage.report(ReportMessage(messageID: "i", reporter: 5, path: [6], reason: "r"))
        #expect(Array(report.encoded().readableBytesView) == [
            0x4D, 0x58, 0, 0, 0, 22, 7,
            0, 1, 0x69, 0, 0, 0, 5, 1, 0, 0, 0, 6, 0, 1, 0x72,  // id, reporter, path, reason
        ])
        let note = MXGPMessage.notification(NotificationMessage(code: .cease, subcode: 2, text: "x"))
        #expect(Array(note.encoded().readableBytesView) == [0x4D, 0x58, 0, 0, 0, 12, 3, 6, 2, 0, 1, 0x78])
    }

    @Test("an unknown optional non-transitive attribute is dropped, a transitive one passes through")
    func unknownOptionalAttributes() throws {
        let sent = CodecSamples.update(PathAttributes(
            operatorPath: [1], nextHop: "relay:25",
            unknown: [RawAttribute(flags: AttributeFlags.optional, type: 150, value: [1]),
                      RawAttribute(flags: AttributeFlags.optional | AttributeFlags.transitive, type: 151, value: [2])]))
        var buffer = sent.encoded()
        var decoder = MXGPMessageDecoder()
        guard case .update(let update) = try decoder.decode(buffer: &buffer) else {
            Issue.record("expected an UPDATE")
            return
        }
        #expect(update.attributes?.unknown == [RawAttribute(flags: 0xC0, type: 151, value: [2])])
        #expect(update.treatedAsWithdraw == nil)
    }

    @Test("attributes are not written when nothing is announced")
    func attributesWithoutAnnouncements() throws {
        let sent = MXGPMessage.update(UpdateMessage(withdrawn: [DomainName("x.example")!], attributes: CodecSamples.minimal, announced: []))
        var buffer = sent.encoded()
        var decoder = MXGPMessageDecoder()
        #expect(try decoder.decode(buffer: &buffer) == .update(UpdateMessage(withdrawn: [DomainName("x.example")!])))
    }

    @Test("the encoder caps COMMUNITIES at what the 2-byte length can carry")
    func tooManyCommunities() throws {
        let communities = (0..<6000).map { Community(UInt32($0), 0, 0) }
        let sent = CodecSamples.update(PathAttributes(operatorPath: [1], nextHop: "relay:25", communities: communities))
        var buffer = sent.encoded()
        var decoder = MXGPMessageDecoder()
        guard case .update(let update) = try decoder.decode(buffer: &buffer) else {
            Issue.record("expected an UPDATE")
            return
        }
        #expect(update.attributes?.communities.count == Int(UInt16.max) / 12)
        #expect(update.treatedAsWithdraw == nil)
    }

    @Test("maximumMessageSize accepts a message of exactly that size")
    func exactlyMaximumSize() throws {
        let text = String(repeating: "z", count: 1024)
        let message = MXGPMessage.notification(NotificationMessage(code: .cease, text: text))
        var buffer = message.encoded()
        var decoder = MXGPMessageDecoder(maximumMessageSize: buffer.readableBytes)
        #expect(try decoder.decode(buffer: &buffer) == message)
        var again = message.encoded()
        var smaller = MXGPMessageDecoder(maximumMessageSize: again.readableBytes - 1)
        #expect(throws: MXGPWireError.self) { try smaller.decode(buffer: &again) }
    }

    @Test("every wire error maps to a NOTIFICATION with a defined code", arguments: [
        MXGPWireError.Kind.badMarker, .badLength, .messageTooLarge, .unknownMessageType, .malformedOpen,
        .unsupportedVersion, .malformedUpdate, .badDomain, .malformedNotification, .malformedReport,
    ])
    func notificationForError(_ kind: MXGPWireError.Kind) throws {
        let note = MXGPWireError(kind, "detail").notification
        #expect(note.text == "detail")
        // The NOTIFICATION itself must survive the codec.
        var buffer = MXGPMessage.notification(note).encoded()
        var decoder = MXGPMessageDecoder()
        #expect(try decoder.decode(buffer: &buffer) == .notification(note))
    }
}
