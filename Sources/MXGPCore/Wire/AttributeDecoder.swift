import NIOCore

/// Why an attribute block was rejected (the update becomes a withdraw).
public struct AttributeProblem: Error, Hashable, Sendable {
    public var detail: String
}

/// Decodes a path attribute block. Malformed, duplicated or missing mandatory
/// attributes are reported as a problem rather than thrown: the caller treats
/// the update as a withdraw of its announced domains (RFC 7606 style).
enum AttributeDecoder {
    static func decode(_ block: inout ByteBuffer) -> Result<PathAttributes, AttributeProblem> {
        func fail(_ detail: String) -> Result<PathAttributes, AttributeProblem> { .failure(AttributeProblem(detail: detail)) }
        var seen = AttributeTypeSet()
        var path: [OperatorNumber]?
        var nextHop: String?
        var price: UInt32 = 0
        var otc: OperatorNumber?
        var communities: [Community] = []
        var regions: [Region] = []
        var proof: OriginProof?
        var draining = false
        var chargeback: UInt32 = 0
        var unknown: [RawAttribute] = []
        while block.readableBytes > 0 {
            guard let flags = block.readInteger(as: UInt8.self), let typeCode = block.readInteger(as: UInt8.self),
                  let length = block.readInteger(as: UInt16.self)
            else { return fail("attribute header is truncated") }
            guard var value = block.readSlice(length: Int(length)) else {
                return fail("attribute \(typeCode) length \(length) exceeds the \(block.readableBytes) bytes left")
            }
            guard seen.insert(typeCode) else { return fail("attribute \(typeCode) appears twice") }
            guard let type = AttributeType(rawValue: typeCode) else {
                guard flags & AttributeFlags.optional != 0 else {
                    return fail("unknown well-known attribute \(typeCode)")
                }
                if flags & AttributeFlags.transitive != 0 {
                    unknown.append(RawAttribute(flags: flags, type: typeCode, value: value.readBytes(length: value.readableBytes) ?? []))
                }
                continue
            }
            switch type {
            case .operatorPath:
                guard length % 4 == 0, length / 4 <= MXGPFraming.maximumPathLength else {
                    return fail("OPERATOR_PATH length \(length) is not a multiple of 4 or too long")
                }
                var ops: [OperatorNumber] = []
                ops.reserveCapacity(Int(length / 4))
                while let op = value.readInteger(as: UInt32.self) { ops.append(op) }
                path = ops
            case .nextHop:
                guard length > 0, let text = value.readString(length: Int(length)), isEndpoint(text) else {
                    return fail("NEXT_HOP is not a host:port endpoint")
                }
                nextHop = text
            case .price:
                guard length == 4 else { return fail("PRICE has length \(length), expected 4") }
                price = value.readInteger(as: UInt32.self)!
            case .onlyToCustomer:
                guard length == 4 else { return fail("OTC has length \(length), expected 4") }
                otc = value.readInteger(as: UInt32.self)!
            case .communities:
                guard length % 12 == 0 else { return fail("COMMUNITIES length \(length) is not a multiple of 12") }
                while let a = value.readInteger(as: UInt32.self), let b = value.readInteger(as: UInt32.self),
                      let c = value.readInteger(as: UInt32.self) {
                    communities.append(Community(a, b, c))
                }
            case .regionPolicy:
                guard length % 2 == 0 else { return fail("REGION_POLICY length \(length) is not a multiple of 2") }
                while let code = value.readString(length: 2) {
                    guard let region = Region(code), region.code == code else { return fail("REGION_POLICY has bad region \(code.debugDescription)") }
                    regions.append(region)
                }
            case .originProof:
                guard let code = value.readString(length: 2), let region = Region(code), region.code == code,
                      let serial = value.readInteger(as: UInt32.self), let sigLength = value.readInteger(as: UInt8.self),
                      sigLength == 0 || sigLength == 64, let signature = value.readBytes(length: Int(sigLength)),
                      value.readableBytes == 0
                else { return fail("ORIGIN_PROOF is malformed") }
                proof = OriginProof(region: region, registrySerial: serial, signature: signature)
            case .draining:
                guard length == 0 else { return fail("DRAINING has length \(length), expected 0") }
                draining = true
            case .chargeback:
                guard length == 4 else { return fail("CHARGEBACK has length \(length), expected 4") }
                chargeback = value.readInteger(as: UInt32.self)!
            }
        }
        guard let path, !path.isEmpty else { return fail("OPERATOR_PATH is missing or empty") }
        guard let nextHop else { return fail("NEXT_HOP is missing") }
        return .success(PathAttributes(
            operatorPath: path, nextHop: nextHop, price: price, onlyToCustomer: otc, communities: communities,
            regionPolicy: regions, originProof: proof, draining: draining, chargeback: chargeback, unknown: unknown))
    }

    /// True for `host:port` (or `[v6]:port`) with a decimal port in 1...65535, made of
    /// printable ASCII (no spaces, control characters or non-ASCII bytes) and at most
    /// `MXGPFraming.maximumNextHopLength` bytes.
    static func isEndpoint(_ text: String) -> Bool {
        guard text.utf8.count <= MXGPFraming.maximumNextHopLength,
              text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
              let colon = text.lastIndex(of: ":"), colon != text.startIndex
        else { return false }
        let digits = text[text.index(after: colon)...]
        guard (1...5).contains(digits.utf8.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let port = Int(digits), (1...65535).contains(port)
        else { return false }
        return true
    }
}

/// A set of attribute type codes as a 256-bit bitmap (no allocation).
struct AttributeTypeSet {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Inserts `code`; false when it was already present.
    mutating func insert(_ code: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(code & 63)
        switch code >> 6 {
        case 0: defer { words.0 |= bit }; return words.0 & bit == 0
        case 1: defer { words.1 |= bit }; return words.1 & bit == 0
        case 2: defer { words.2 |= bit }; return words.2 & bit == 0
        default: defer { words.3 |= bit }; return words.3 & bit == 0
        }
    }
}
