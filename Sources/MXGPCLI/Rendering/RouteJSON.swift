import MXGPCore

/// A route in the JSON shape of DESIGN §8:
/// `{"nextHop": "up1", "path": [100, 1], "price": 3, "localPref": 100, "reason": "price"}`.
public struct RouteJSON: Encodable, Sendable, Equatable {
    public var nextHop: String?
    public var path: [OperatorNumber]
    public var price: UInt32
    public var localPref: UInt32
    public var reason: String
    /// Ranked alternates (only where asked for, e.g. `ctl routes`).
    public var alternates: [RouteJSON]?

    public init(_ view: RouteView, includeAlternates: Bool = false) {
        nextHop = view.nextHop
        path = view.path
        price = view.price
        localPref = view.localPreference
        reason = view.reason.rawValue
        alternates = includeAlternates ? view.alternates.map { RouteJSON($0) } : nil
    }

    enum CodingKeys: String, CodingKey { case nextHop, path, price, localPref, reason, alternates }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nextHop, forKey: .nextHop)  // null for own domains
        try c.encode(path, forKey: .path)
        try c.encode(price, forKey: .price)
        try c.encode(localPref, forKey: .localPref)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(alternates, forKey: .alternates)
    }
}
