/// Interns domain names to dense indices so the RIBs store 4-byte keys.
public struct DomainTable: Sendable {
    public private(set) var names: [DomainName] = []
    private var indices: [DomainName: Int32] = [:]

    public init() {}

    /// The index of `name`, adding it when new.
    public mutating func intern(_ name: DomainName) -> Int32 {
        if let index = indices[name] { return index }
        let index = Int32(names.count)
        names.append(name)
        indices[name] = index
        return index
    }

    /// The index of `name` if known.
    public func index(of name: DomainName) -> Int32? { indices[name] }

    public subscript(index: Int32) -> DomainName { names[Int(index)] }

    public var count: Int { names.count }

    /// Reserves room for `count` names.
    public mutating func reserveCapacity(_ count: Int) {
        names.reserveCapacity(count)
        indices.reserveCapacity(count)
    }
}
