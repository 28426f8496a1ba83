/// One entry of an origin registry: `operatorNumber` may originate `suffix` and names up to
/// `maxDepth` labels below it (0: only `suffix` itself).
public struct OriginAuthorization: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The operator allowed to originate the domains.
    public var operatorNumber: OperatorNumber
    /// The domain suffix the entry is about (`.` covers every domain).
    public var suffix: DomainName
    /// How many labels below `suffix` a domain may have and still match (0–``OriginRegistry/maximumDepth``).
    public var maxDepth: Int
    /// The countries the domains are in (sorted, unique; empty: not recorded): what
    /// per-country contracts and destination refusals go by (PROTOCOL.md §9.4).
    public var countries: [Country]

    /// Creates an entry.
    public init(operatorNumber: OperatorNumber, suffix: DomainName, maxDepth: Int = 0, countries: [Country] = []) {
        self.operatorNumber = operatorNumber
        self.suffix = suffix
        self.maxDepth = maxDepth
        self.countries = Array(Set(countries)).sorted()
    }

    /// True when `domain` is `suffix` or lies under it, at any depth (RFC 6811 "covered").
    public func covers(_ domain: DomainName) -> Bool { domain.isUnder(suffix) }

    /// True when the entry authorises `origin` to originate `domain`: same operator, `domain`
    /// under `suffix`, at most `maxDepth` labels below it (RFC 6811 "matched").
    public func matches(_ domain: DomainName, origin: OperatorNumber) -> Bool {
        origin == operatorNumber && covers(domain) && domain.labelCount - suffix.labelCount <= maxDepth
    }

    /// Entries sort by suffix, then operator, then depth: the canonical order.
    public static func < (a: OriginAuthorization, b: OriginAuthorization) -> Bool {
        if (a.suffix.text, a.operatorNumber, a.maxDepth) != (b.suffix.text, b.operatorNumber, b.maxDepth) {
            return (a.suffix.text, a.operatorNumber, a.maxDepth) < (b.suffix.text, b.operatorNumber, b.maxDepth)
        }
        return a.countries.map(\.code).joined() < b.countries.map(\.code).joined()
    }

    public var description: String {
        "\(operatorNumber) \(suffix) max-depth \(maxDepth)" + (countries.isEmpty ? "" : " countries \(countries.map(\.code).joined(separator: ","))")
    }
}

/// The contents of an origin registry (the mail analog of the RPKI's validated ROA payloads):
/// which operators may originate which domain suffixes. Pure: checking the signature and the
/// validity period of the file it came from is the job of the registry document (MXGPPKI).
///
/// Validation follows RFC 6811 with suffixes for prefixes and depth for prefix length:
/// - **valid**: an entry for the route's origin operator matches the domain;
/// - **invalid**: some entry covers the domain (it is the suffix or under it, at any depth) but
///   none matches — another operator's domain, or deeper than the owner's `maxDepth` allows;
/// - **notFound**: no entry covers the domain.
public struct OriginRegistry: OriginValidating, Hashable, Sendable {
    /// The deepest `maxDepth` an entry may have (a domain has at most 127 labels).
    public static let maximumDepth = 127

    /// The registry's serial: a newer registry has a higher one.
    public var serial: UInt32
    /// The entries, in canonical order.
    public private(set) var entries: [OriginAuthorization]
    /// The entries by suffix, for lookups.
    private var bySuffix: [DomainName: [OriginAuthorization]]

    /// Creates a registry; entries are sorted into canonical order and duplicates dropped.
    public init(serial: UInt32, entries: [OriginAuthorization]) {
        self.serial = serial
        self.entries = Array(Set(entries)).sorted()
        bySuffix = Dictionary(grouping: self.entries, by: \.suffix)
    }

    /// The validity of a route for `domain` whose origin (last operator of the path) is `origin`.
    public func validate(domain: DomainName, origin: OperatorNumber) -> OriginValidity {
        var covered = false
        for suffix in domain.suffixes {
            for entry in bySuffix[suffix] ?? [] {
                if entry.matches(domain, origin: origin) { return .valid }
                covered = true
            }
        }
        return covered ? .invalid : .notFound
    }

    /// The countries of `domain`: those of the most specific covering entries that record any
    /// (every entry for that suffix, merged); empty when none does.
    public func countries(of domain: DomainName) -> [Country] {
        for suffix in domain.suffixes {
            let found = (bySuffix[suffix] ?? []).flatMap(\.countries)
            if !found.isEmpty { return Array(Set(found)).sorted() }
        }
        return []
    }

    /// The entries that cover `domain`, most specific suffix first.
    public func entries(covering domain: DomainName) -> [OriginAuthorization] {
        domain.suffixes.flatMap { bySuffix[$0] ?? [] }
    }
}

extension OriginValidating {
    /// The validity of a route with `path` (nearest first, origin last) for `domain`; nil for an
    /// empty path (an own route is not validated).
    public func validate(domain: DomainName, path: [OperatorNumber]) -> OriginValidity? {
        path.last.map { validate(domain: domain, origin: $0) }
    }
}
