import NIOCore

/// Decodes framed MXGP messages. Memory is bounded by `maximumMessageSize`: a
/// header announcing a longer message is rejected before its body is buffered.
///
/// Framing and structural errors throw `MXGPWireError` (the session answers with
/// its `notification` and closes). A malformed path attribute does not throw: the
/// update's announcements become withdrawals (`UpdateMessage.treatedAsWithdraw`).
public struct MXGPMessageDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = MXGPMessage

    /// Largest accepted message, header included.
    public var maximumMessageSize: Int

    public init(maximumMessageSize: Int = MXGPFraming.defaultMaximumMessageSize) {
        self.maximumMessageSize = maximumMessageSize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MXGPMessage? {
        guard buffer.readableBytes >= MXGPFraming.headerLength else { return nil }
        let start = buffer.readerIndex
        let marker: UInt16 = buffer.getInteger(at: start)!
        guard marker == MXGPFraming.marker else {
            throw MXGPWireError(.badMarker, "expected marker 0x4D58 (\"MX\"), got 0x\(String(marker, radix: 16))")
        }
        let length = Int(buffer.getInteger(at: start + 2, as: UInt32.self)!)
        guard length >= MXGPFraming.headerLength else {
            throw MXGPWireError(.badLength, "message length \(length) is shorter than the \(MXGPFraming.headerLength)-byte header")
        }
        guard length <= maximumMessageSize else {
            throw MXGPWireError(.messageTooLarge, "message length \(length) exceeds the maximum of \(maximumMessageSize) bytes")
        }
        guard buffer.readableBytes >= length else { return nil }
        let typeCode: UInt8 = buffer.getInteger(at: start + 6)!
        guard let type = MessageType(rawValue: typeCode) else {
            throw MXGPWireError(.unknownMessageType, "unknown message type \(typeCode)")
        }
        var body = buffer.getSlice(at: start + MXGPFraming.headerLength, length: length - MXGPFraming.headerLength)!
        buffer.moveReaderIndex(forwardBy: length)
        return try MXGPMessageDecoder.decodeBody(type: type, body: &body)
    }

    /// Like `decode`, but at end of stream a partial message left in the buffer is an
    /// error (`.badLength`) rather than silently dropped.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MXGPMessage? {
        if let message = try decode(buffer: &buffer) { return message }
        if seenEOF, buffer.readableBytes > 0 {
            throw MXGPWireError(.badLength, "the stream ended \(buffer.readableBytes) bytes into an incomplete message")
        }
        return nil
    }

    /// Decodes one message body of a known type.
    static func decodeBody(type: MessageType, body: inout ByteBuffer) throws -> MXGPMessage {
        switch type {
        case .open: return .open(try decodeOpen(&body))
        case .update: return .update(try decodeUpdate(&body))
        case .notification: return .notification(try decodeNotification(&body))
        case .report: return .report(try decodeReport(&body))
        case .keepalive, .routeRefresh, .endOfRIB:
            guard body.readableBytes == 0 else {
                throw MXGPWireError(.badLength, "\(type) carries \(body.readableBytes) unexpected body bytes")
            }
            switch type {
            case .keepalive: return .keepalive
            case .routeRefresh: return .routeRefresh
            default: return .endOfRIB
            }
        }
    }

    static func decodeOpen(_ body: inout ByteBuffer) throws -> OpenMessage {
        func fail(_ detail: String) -> MXGPWireError { MXGPWireError(.malformedOpen, detail) }
        guard let version = body.readInteger(as: UInt8.self) else { throw fail("OPEN is empty") }
        guard version == mxgpVersion else {
            throw MXGPWireError(.unsupportedVersion, "version \(version) is not supported (this node speaks \(mxgpVersion))")
        }
        guard let op = body.readInteger(as: UInt32.self), let hold = body.readInteger(as: UInt16.self),
              let roleCode = body.readInteger(as: UInt8.self), let nodeRoleCode = body.readInteger(as: UInt8.self),
              let regionText = body.readString(length: 2)
        else { throw fail("OPEN is truncated") }
        guard let role = Relationship(wireCode: roleCode) else { throw fail("unknown role code \(roleCode)") }
        guard let nodeRole = NodeRole(wireCode: nodeRoleCode) else { throw fail("unknown node role code \(nodeRoleCode)") }
        guard let region = Region(regionText), region.code == regionText else { throw fail("bad region \(regionText.debugDescription)") }
        guard hold == 0 || hold >= 3 else { throw fail("hold time \(hold) s must be 0 or at least 3") }
        guard let nameLength = body.readInteger(as: UInt8.self), let name = body.readString(length: Int(nameLength)) else {
            throw fail("node name is truncated")
        }
        guard !name.isEmpty, name.utf8.count <= MXGPFraming.maximumNodeNameLength else { throw fail("node name is empty or too long") }
        guard let capLength = body.readInteger(as: UInt16.self), var caps = body.readSlice(length: Int(capLength)) else {
            throw fail("capabilities are truncated")
        }
        guard body.readableBytes == 0 else { throw fail("\(body.readableBytes) trailing bytes after capabilities") }
        var capabilities: [Capability] = []
        while caps.readableBytes > 0 {
            guard let code = caps.readInteger(as: UInt8.self), let len = caps.readInteger(as: UInt8.self),
                  var value = caps.readSlice(length: Int(len))
            else { throw fail("capability is truncated") }
            switch code {
            case 1:
                guard len == 0 else { throw fail("ROUTE-REFRESH capability has length \(len), expected 0") }
                capabilities.append(.routeRefresh)
            case 2:
                guard len == 2, let ms = value.readInteger(as: UInt16.self), ms >= 10 else {
                    throw fail("fast-liveness capability must be a 2-byte interval of at least 10 ms")
                }
                capabilities.append(.fastLiveness(intervalMilliseconds: ms))
            case 3:
                guard len == 4, let size = value.readInteger(as: UInt32.self), size >= MXGPFraming.minimumMaximumMessageSize else {
                    throw fail("maximum-message-size capability must be 4 bytes and at least \(MXGPFraming.minimumMaximumMessageSize)")
                }
                capabilities.append(.maximumMessageSize(size))
            default:
                capabilities.append(.unknown(code: code, value: value.readBytes(length: value.readableBytes) ?? []))
            }
        }
        return OpenMessage(
            version: version, operatorNumber: op, holdTime: hold, role: role, nodeRole: nodeRole,
            region: region, nodeName: name, capabilities: capabilities)
    }

    static func decodeUpdate(_ body: inout ByteBuffer) throws -> UpdateMessage {
        guard let withdrawnLength = body.readInteger(as: UInt32.self) else {
            throw MXGPWireError(.malformedUpdate, "UPDATE is shorter than its withdrawn-length field")
        }
        guard var withdrawnBlock = body.readSlice(length: Int(withdrawnLength)) else {
            throw MXGPWireError(.malformedUpdate, "withdrawn length \(withdrawnLength) exceeds the \(body.readableBytes) bytes left")
        }
        guard let attributesLength = body.readInteger(as: UInt32.self) else {
            throw MXGPWireError(.malformedUpdate, "UPDATE is truncated before its attributes-length field")
        }
        guard var attributeBlock = body.readSlice(length: Int(attributesLength)) else {
            throw MXGPWireError(.malformedUpdate, "attributes length \(attributesLength) exceeds the \(body.readableBytes) bytes left")
        }
        var withdrawn = try decodeDomains(&withdrawnBlock)
        let announced = try decodeDomains(&body)
        if announced.isEmpty {
            return UpdateMessage(withdrawn: withdrawn)
        }
        switch AttributeDecoder.decode(&attributeBlock) {
        case .success(let attributes):
            return UpdateMessage(withdrawn: withdrawn, attributes: attributes, announced: announced)
        case .failure(let problem):
            withdrawn.append(contentsOf: announced)
            return UpdateMessage(withdrawn: withdrawn, treatedAsWithdraw: problem.detail)
        }
    }

    static func decodeDomains(_ block: inout ByteBuffer) throws -> [DomainName] {
        var result: [DomainName] = []
        while block.readableBytes > 0 {
            let length = Int(block.readInteger(as: UInt8.self)!)
            guard length > 0 else { throw MXGPWireError(.badDomain, "a domain entry has length 0") }
            guard block.readableBytes >= length else {
                throw MXGPWireError(.malformedUpdate, "domain length \(length) exceeds the \(block.readableBytes) bytes left")
            }
            let valid = block.withUnsafeReadableBytes { raw in DomainName.isValid(utf8: UnsafeRawBufferPointer(rebasing: raw[0..<length])) }
            guard valid else {
                let shown = block.getString(at: block.readerIndex, length: length) ?? "(not UTF-8)"
                throw MXGPWireError(.badDomain, "\(shown.debugDescription) is not a lower-case domain name")
            }
            result.append(DomainName(unchecked: block.readString(length: length)!))
        }
        return result
    }

    static func decodeNotification(_ body: inout ByteBuffer) throws -> NotificationMessage {
        guard let codeValue = body.readInteger(as: UInt8.self), let subcode = body.readInteger(as: UInt8.self),
              let textLength = body.readInteger(as: UInt16.self)
        else { throw MXGPWireError(.malformedNotification, "NOTIFICATION is truncated") }
        guard Int(textLength) <= MXGPFraming.maximumTextLength, let text = body.readString(length: Int(textLength)),
              body.readableBytes == 0
        else { throw MXGPWireError(.malformedNotification, "NOTIFICATION text length \(textLength) does not match the message") }
        guard let code = NotificationCode(rawValue: codeValue) else {
            throw MXGPWireError(.malformedNotification, "unknown NOTIFICATION code \(codeValue)")
        }
        return NotificationMessage(code: code, subcode: subcode, text: text)
    }

    static func decodeReport(_ body: inout ByteBuffer) throws -> ReportMessage {
        func fail(_ detail: String) -> MXGPWireError { MXGPWireError(.malformedReport, detail) }
        guard let idLength = body.readInteger(as: UInt16.self), idLength > 0, Int(idLength) <= MXGPFraming.maximumMessageIDLength,
              let id = body.readString(length: Int(idLength))
        else { throw fail("REPORT Message-ID is missing, too long or truncated") }
        guard let reporter = body.readInteger(as: UInt32.self), let count = body.readInteger(as: UInt8.self) else {
            throw fail("REPORT is truncated after the Message-ID")
        }
        var path: [OperatorNumber] = []
        for _ in 0..<count {
            guard let op = body.readInteger(as: UInt32.self) else { throw fail("REPORT path is truncated") }
            path.append(op)
        }
        guard let reasonLength = body.readInteger(as: UInt16.self), Int(reasonLength) <= MXGPFraming.maximumTextLength,
              let reason = body.readString(length: Int(reasonLength)), body.readableBytes == 0
        else { throw fail("REPORT reason length does not match the message") }
        return ReportMessage(messageID: id, reporter: reporter, path: path, reason: reason)
    }
}
