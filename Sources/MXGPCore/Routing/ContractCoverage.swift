/// A destination country: an ISO 3166 alpha-2 code, the same two letters as a ``Region``.
/// A domain's countries come from its entry in the signed origin registry, never from an
/// announcement.
public typealias Country = Region

/// What a provider's contract with one customer covers, by the destination's country
/// (PROTOCOL.md §9.4): the countries it delivers into and its price in each.
///
/// - `covers`: the countries the contract delivers into; nil covers every destination,
///   including domains whose country the registry does not know.
/// - `prices`: a price per country; a covered country without one costs the link's
///   default price.
///
/// A domain with several countries is covered when any of them is, at the lowest price among
/// those covered. When the contract names countries (either list), a domain whose country is
/// unknown is covered only when `covers` is nil.
public struct ContractCoverage: Hashable, Sendable {
    /// Countries covered; nil: all.
    public var covers: Set<Country>?
    /// Price per country, overriding the link's default price.
    public var prices: [Country: UInt32]

    /// Creates terms.
    public init(covers: Set<Country>? = nil, prices: [Country: UInt32] = [:]) {
        self.covers = covers
        self.prices = prices
    }

    /// Every destination at the default price.
    public static let everywhere = ContractCoverage()

    /// True when the terms depend on the destination's country.
    public var dependsOnCountry: Bool { covers != nil || !prices.isEmpty }

    /// The price of delivering to a domain in `countries` (empty: unknown), or nil when the
    /// contract does not cover it.
    public func price(for countries: [Country], defaultPrice: UInt32) -> UInt32? {
        let covered = countries.filter { covers?.contains($0) ?? true }
        if covered.isEmpty { return covers == nil ? (countries.compactMap { prices[$0] }.min() ?? defaultPrice) : nil }
        return covered.map { prices[$0] ?? defaultPrice }.min()
    }
}
