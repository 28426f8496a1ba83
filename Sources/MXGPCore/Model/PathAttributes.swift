/// A large-community style tag `operator:value:value` (like BGP large communities, RFC 8092).
public struct Community: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var global: UInt32
    public var local1: UInt32
    public var local2: UInt32

    public init(_ global: UInt32, _ local1: UInt32, _ local2: UInt32) {
        self.global = global
        self.local1 = local1
        self.local2 = local2
    }

    /// Parses `A:B:C` with three 32-bit decimal numbers.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = UInt32(parts[0]), let b = UInt32(parts[1]), let c = UInt32(parts[2]) else { return nil }
        self.init(a, b, c)
    }

    public var description: String { "\(global):\(local1):\(local2)" }

    public static func < (x: Community, y: Community) -> Bool {
        (x.global, x.local1, x.local2) < (y.global, y.local1, y.local2)
    }
}

/// ORIGIN_PROOF: what the origin says about itself: its region and the registry
/// serial it relies on, optionally signed (Ed25519) by the origin operator.
public struct OriginProof: Hashable, Sendable {
    /// Region of the originating node; import policy and region policy match on it.
    public var region: Region
    /// Serial of the origin registry the origin believes authorises it (0: none).
    public var registrySerial: UInt32
    /// Optional 64-byte Ed25519 signature over (origin operator, region, serial); empty when unsigned.
    public var signature: [UInt8]

    public init(region: Region, registrySerial: UInt32 = 0, signature: [UInt8] = []) {
        self.region = region
        self.registrySerial = registrySerial
        self.signature = signature
    }
}

/// An attribute this implementation does not know, carried through unchanged when optional.
public struct RawAttribute: Hashable, Sendable {
    public var flags: UInt8
    public var type: UInt8
    public var value: [UInt8]

    public init(flags: UInt8, type: UInt8, value: [UInt8]) {
        self.flags = flags
        self.type = type
        self.value = value
    }
}

/// The path attributes of a route. Immutable and shared by every domain announced
/// in one UPDATE, so five million routes cost one reference each.
public final class PathAttributes: Hashable, Sendable, CustomStringConvertible {
    /// Operators the announcement crossed, nearest first, origin last.
    public let operatorPath: [OperatorNumber]
    /// SMTP endpoint (`host:port`) of the announcing relay.
    public let nextHop: String
    /// What the announcing neighbour charges per message on this link.
    public let price: UInt32
    /// CHARGEBACK: what the announcing neighbour charges per spam complaint about mail sent
    /// over this link (0: none, not encoded).
    public let chargeback: UInt32
    /// Only-to-customer marker (RFC 9234): the operator that set it.
    public let onlyToCustomer: OperatorNumber?
    /// Large communities, sorted and unique.
    public let communities: [Community]
    /// Regions whose mail some node on this path refuses, sorted and unique.
    public let regionPolicy: [Region]
    /// What the origin says about itself.
    public let originProof: OriginProof?
    /// DRAINING (RFC 8326 style): some node on this path is overloaded and asks senders to
    /// move new mail to a healthy alternate. Ranks the route below every non-draining one.
    public let draining: Bool
    /// Unknown optional attributes passed through.
    public let unknown: [RawAttribute]

    public init(
        operatorPath: [OperatorNumber],
        nextHop: String,
        price: UInt32 = 0,
        onlyToCustomer: OperatorNumber? = nil,
        communities: [Community] = [],
        regionPolicy: [Region] = [],
        originProof: OriginProof? = nil,
        draining: Bool = false,
        chargeback: UInt32 = 0,
        unknown: [RawAttribute] = []
    ) {
        self.operatorPath = operatorPath
        self.nextHop = nextHop
        self.price = price
        self.chargeback = chargeback
        self.onlyToCustomer = onlyToCustomer
        self.communities = PathAttributes.sortedUnique(communities)
        self.regionPolicy = PathAttributes.sortedUnique(regionPolicy)
        self.originProof = originProof
        self.draining = draining
        self.unknown = unknown
    }

    /// Sorted without duplicates; cheap for the common empty and single-element cases.
    static func sortedUnique<T: Comparable & Hashable>(_ items: [T]) -> [T] {
        if items.count < 2 { return items }
        var sorted = items.sorted()
        var write = 1
        for read in 1..<sorted.count where sorted[read] != sorted[write - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeLast(sorted.count - write)
        return sorted
    }

    /// The origin operator (last in the path), nil for an empty path.
    public var originOperator: OperatorNumber? { operatorPath.last }

    /// Returns a copy with some fields replaced.
    public func with(
        operatorPath: [OperatorNumber]? = nil,
        nextHop: String? = nil,
        price: UInt32? = nil,
        onlyToCustomer: OperatorNumber?? = nil,
        communities: [Community]? = nil,
        regionPolicy: [Region]? = nil,
        originProof: OriginProof?? = nil,
        draining: Bool? = nil,
        chargeback: UInt32? = nil
    ) -> PathAttributes {
        PathAttributes(
            operatorPath: operatorPath ?? self.operatorPath,
            nextHop: nextHop ?? self.nextHop,
            price: price ?? self.price,
            onlyToCustomer: onlyToCustomer ?? self.onlyToCustomer,
            communities: communities ?? self.communities,
            regionPolicy: regionPolicy ?? self.regionPolicy,
            originProof: originProof ?? self.originProof,
            draining: draining ?? self.draining,
            chargeback: chargeback ?? self.chargeback,
            unknown: unknown
        )
    }

    public static func == (a: PathAttributes, b: PathAttributes) -> Bool {
        if a === b { return true }
        return a.operatorPath == b.operatorPath && a.nextHop == b.nextHop && a.price == b.price
            && a.onlyToCustomer == b.onlyToCustomer && a.communities == b.communities
            && a.regionPolicy == b.regionPolicy && a.originProof == b.originProof && a.draining == b.draining
            && a.chargeback == b.chargeback && a.unknown == b.unknown
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(operatorPath)
        hasher.combine(nextHop)
        hasher.combine(price)
        hasher.combine(onlyToCustomer)
        hasher.combine(communities)
    }

    public var description: String {
        var parts = ["path=\(operatorPath.map(String.init).joined(separator: " "))", "nextHop=\(nextHop)", "price=\(price)"]
        if chargeback > 0 { parts.append("chargeback=\(chargeback)") }
        if let otc = onlyToCustomer { parts.append("otc=\(otc)") }
        if !communities.isEmpty { parts.append("communities=\(communities.map(\.description).joined(separator: ","))") }
        if !regionPolicy.isEmpty { parts.append("refuses=\(regionPolicy.map(\.code).joined(separator: ","))") }
        if let proof = originProof { parts.append("origin-region=\(proof.region)") }
        if draining { parts.append("draining") }
        return parts.joined(separator: " ")
    }
}
