import NIOCore

extension MXGPMessage {
    /// Appends the framed message to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(MXGPFraming.marker)
        buffer.writeInteger(UInt32(0))  // length, patched below
        buffer.writeInteger(typeCode)
        switch self {
        case .open(let open): open.encodeBody(into: &buffer)
        case .update(let update): update.encodeBody(into: &buffer)
        case .notification(let note): note.encodeBody(into: &buffer)
        case .report(let report): report.encodeBody(into: &buffer)
        case .keepalive, .routeRefresh, .endOfRIB: break
        }
        let length = UInt32(buffer.writerIndex - start)
        buffer.setInteger(length, at: start + 2)
    }

    /// The framed message as a fresh buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        encode(into: &buffer)
        return buffer
    }
}

extension OpenMessage {
    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(version)
        buffer.writeInteger(operatorNumber)
        buffer.writeInteger(holdTime)
        buffer.writeInteger(role.wireCode)
        buffer.writeInteger(nodeRole.wireCode)
        buffer.writeString(region.code)
        let name = Array(nodeName.utf8.prefix(MXGPFraming.maximumNodeNameLength))
        buffer.writeInteger(UInt8(name.count))
        buffer.writeBytes(name)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        for capability in capabilities {
            switch capability {
            case .routeRefresh:
                buffer.writeInteger(UInt8(1)); buffer.writeInteger(UInt8(0))
            case .fastLiveness(let ms):
                buffer.writeInteger(UInt8(2)); buffer.writeInteger(UInt8(2)); buffer.writeInteger(ms)
            case .maximumMessageSize(let size):
                buffer.writeInteger(UInt8(3)); buffer.writeInteger(UInt8(4)); buffer.writeInteger(size)
            case .unknown(let code, let value):
                buffer.writeInteger(code); buffer.writeInteger(UInt8(value.count)); buffer.writeBytes(value)
            }
        }
        buffer.setInteger(UInt16(buffer.writerIndex - lengthIndex - 2), at: lengthIndex)
    }
}

extension UpdateMessage {
    func encodeBody(into buffer: inout ByteBuffer) {
        let withdrawnIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        for domain in withdrawn { writeDomain(domain, into: &buffer) }
        buffer.setInteger(UInt32(buffer.writerIndex - withdrawnIndex - 4), at: withdrawnIndex)
        let attributesIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        if let attributes, !announced.isEmpty { attributes.encode(into: &buffer) }
        buffer.setInteger(UInt32(buffer.writerIndex - attributesIndex - 4), at: attributesIndex)
        if attributes != nil { for domain in announced { writeDomain(domain, into: &buffer) } }
    }

    private func writeDomain(_ domain: DomainName, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(domain.text.utf8.count))
        buffer.writeString(domain.text)
    }
}

extension PathAttributes {
    /// Writes every attribute as flags, type, 2-byte length, value (lengths are known up front).
    func encode(into buffer: inout ByteBuffer) {
        let transitive = AttributeFlags.transitive
        let optionalTransitive = AttributeFlags.optional | AttributeFlags.transitive
        @inline(__always) func header(_ flags: UInt8, _ type: AttributeType, _ length: Int) {
            buffer.writeMultipleIntegers(flags, type.rawValue, UInt16(length))
        }
        let path = operatorPath.prefix(MXGPFraming.maximumPathLength)
        header(transitive, .operatorPath, path.count * 4)
        for op in path { buffer.writeInteger(op) }
        let hop = nextHop.utf8.prefix(MXGPFraming.maximumNextHopLength)
        header(transitive, .nextHop, hop.count)
        buffer.writeBytes(hop)
        header(0, .price, 4)
        buffer.writeInteger(price)
        if let otc = onlyToCustomer {
            header(optionalTransitive, .onlyToCustomer, 4)
            buffer.writeInteger(otc)
        }
        if !communities.isEmpty {
            // At most 5461 fit the 2-byte attribute length; more would trap in UInt16(_:).
            let written = communities.prefix(Int(UInt16.max) / 12)
            header(optionalTransitive, .communities, written.count * 12)
            for c in written { buffer.writeMultipleIntegers(c.global, c.local1, c.local2) }
        }
        if !regionPolicy.isEmpty {
            header(optionalTransitive, .regionPolicy, regionPolicy.count * 2)
            for r in regionPolicy { buffer.writeString(r.code) }
        }
        if let proof = originProof {
            header(optionalTransitive, .originProof, 7 + proof.signature.count)
            buffer.writeString(proof.region.code)
            buffer.writeInteger(proof.registrySerial)
            buffer.writeInteger(UInt8(proof.signature.count))
            buffer.writeBytes(proof.signature)
        }
        if draining { header(optionalTransitive, .draining, 0) }
        if chargeback > 0 {
            header(AttributeFlags.optional, .chargeback, 4)
            buffer.writeInteger(chargeback)
        }
        for raw in unknown {
            buffer.writeMultipleIntegers(raw.flags, raw.type, UInt16(raw.value.count))
            buffer.writeBytes(raw.value)
        }
    }
}

extension NotificationMessage {
    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(code.rawValue)
        buffer.writeInteger(subcode)
        let text = Array(self.text.utf8.prefix(MXGPFraming.maximumTextLength))
        buffer.writeInteger(UInt16(text.count))
        buffer.writeBytes(text)
    }
}

extension ReportMessage {
    func encodeBody(into buffer: inout ByteBuffer) {
        let id = Array(messageID.utf8.prefix(MXGPFraming.maximumMessageIDLength))
        buffer.writeInteger(UInt16(id.count))
        buffer.writeBytes(id)
        buffer.writeInteger(reporter)
        let hops = path.prefix(MXGPFraming.maximumPathLength)
        buffer.writeInteger(UInt8(hops.count))
        for op in hops { buffer.writeInteger(op) }
        let text = Array(reason.utf8.prefix(MXGPFraming.maximumTextLength))
        buffer.writeInteger(UInt16(text.count))
        buffer.writeBytes(text)
    }
}

/// A `MessageToByteEncoder` for channel pipelines.
public struct MXGPMessageEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = MXGPMessage
    public init() {}
    public func encode(data: MXGPMessage, out: inout ByteBuffer) throws {
        data.encode(into: &out)
    }
}
