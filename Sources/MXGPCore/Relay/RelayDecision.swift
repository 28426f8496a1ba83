/// Where mail for one recipient domain goes, decided from the routing table.
public enum RelayTarget: Sendable, Hashable {
    /// The node's own domain: deliver to the local mailbox (or the configured local MTA).
    case local
    /// Forward over SMTP: candidates in rank order (best first), each a neighbour and its endpoint.
    case forward([NextHopCandidate])
    /// No route for the domain (or any suffix, or the default route).
    case noRoute
}

/// One candidate next hop for forwarding.
public struct NextHopCandidate: Sendable, Hashable {
    /// The neighbour's node name.
    public var neighbour: String
    /// Its SMTP endpoint (NEXT_HOP, `host:port`).
    public var endpoint: String
    /// The route's REGION_POLICY: regions whose mail some node on its path refuses.
    public var refusesRegions: [Region]
    /// The PRICE the neighbour announced with the route (by the destination's country when its
    /// contract prices by country): what a customer books as owed per message sent over it.
    public var price: UInt32

    public init(neighbour: String, endpoint: String, refusesRegions: [Region] = [], price: UInt32 = 0) {
        self.neighbour = neighbour
        self.endpoint = endpoint
        self.refusesRegions = refusesRegions
        self.price = price
    }
}

/// Who handed a message to this node, for relay control (DESIGN §3).
public enum MailSource: Sendable, Hashable {
    /// A neighbour, identified by node name.
    case neighbour(String)
    /// A client in one of the node's local networks.
    case localClient
    /// Anyone else.
    case stranger

    /// True for a neighbour.
    public var isNeighbour: Bool {
        if case .neighbour = self { return true }
        return false
    }
}

/// Relay control and next-hop choice as pure functions over a routing engine.
public enum RelayDecision {
    /// The relay target for `domain`, from the route mail for it follows.
    public static func target(for domain: DomainName, in engine: RoutingEngine) -> RelayTarget {
        guard let route = engine.lookup(domain) else { return .noRoute }
        if route.nextHop == nil { return .local }
        let ranked = [route] + route.alternates
        return .forward(ranked.compactMap { view in
            view.nextHop.map {
                NextHopCandidate(neighbour: $0, endpoint: view.endpoint, refusesRegions: view.refusesRegions, price: view.announcedPrice)
            }
        })
    }

    /// The candidates in the order to try now: penalised next hops go last (in their rank order),
    /// so the relay moves to the next alternate at once without waiting for the control plane.
    public static func order(_ candidates: [NextHopCandidate], health: NextHopHealth, now: Duration) -> [NextHopCandidate] {
        order(candidates, health: health, slow: SlowNextHops(limit: nil), now: now)
    }

    /// The candidates in the order to try now: healthy ones first, then degraded ones (slow,
    /// see ``SlowNextHops``), then penalised ones, each group in rank order. A penalised next
    /// hop goes last even when it is also degraded. This is a data-plane preference: the
    /// routes stay as the control plane chose them.
    public static func order(_ candidates: [NextHopCandidate], health: NextHopHealth, slow: SlowNextHops, now: Duration) -> [NextHopCandidate] {
        let penalised = candidates.filter { health.isPenalised($0.neighbour, now: now) }
        let usable = candidates.filter { !health.isPenalised($0.neighbour, now: now) }
        let degraded = usable.filter { slow.isDegraded($0.neighbour, now: now) }
        let healthy = usable.filter { !slow.isDegraded($0.neighbour, now: now) }
        return healthy + degraded + penalised
    }

    /// The candidates that do not hand the message back to a node it has already crossed
    /// (`crossed`: the node names of its Received lines). A node that took a message and
    /// passed it on no longer holds it; given it back, its dedupe would answer 250 for a copy it
    /// no longer has, and the message would be lost (found by `mxgp sim explore`, seed 385:
    /// two peering Tier 1s whose customer tempfails handed the message to each other). With
    /// none left, the message waits in the queue for a route that does not loop.
    public static func withoutLoops(_ candidates: [NextHopCandidate], crossed: [String]) -> [NextHopCandidate] {
        let crossed = Set(crossed)
        return candidates.filter { !crossed.contains($0.neighbour) }
    }

    /// Why a message waits when ``withoutLoops(_:crossed:)`` left no candidate.
    public static let loopOnly = "every route for it leads back to a node it has crossed"

    /// The candidates whose path accepts mail originating in `origin` (PROTOCOL.md §9.5): a
    /// route whose REGION_POLICY lists the message's origin region leads into a refusal the
    /// relay can know about, so the relay takes the next ranked alternate instead. Decided per
    /// message: the same route carries mail from other regions. `origin` nil (unknown) keeps
    /// every candidate.
    public static func admitting(_ candidates: [NextHopCandidate], origin: Region?) -> [NextHopCandidate] {
        guard let origin else { return candidates }
        return candidates.filter { !$0.refusesRegions.contains(origin) }
    }

    /// The candidates a message may be handed to now: not back to a node it crossed
    /// (``withoutLoops(_:crossed:)``), not into a refusal of its origin region
    /// (``admitting(_:origin:)``), in rank order; and the error to record when none is left.
    public static func usable(_ candidates: [NextHopCandidate], crossed: [String], origin: Region?) -> (candidates: [NextHopCandidate], error: String) {
        let noLoops = withoutLoops(candidates, crossed: crossed)
        let admitted = admitting(noLoops, origin: origin)
        if !admitted.isEmpty { return (admitted, "no next hop answered") }
        return (admitted, noLoops.isEmpty || origin == nil ? loopOnly : regionOnly(origin!))
    }

    /// The DSN text when every route refuses the message's origin region.
    public static func regionOnly(_ origin: Region) -> String {
        "every route for it crosses a node that refuses mail originating in \(origin)"
    }

    /// The destination country that makes this node refuse to deliver to `domain` ("won't
    /// talk to", `refuse-destinations`), or nil. Own domains are never refused.
    public static func refusedDestination(_ domain: DomainName, engine: RoutingEngine) -> Country? {
        guard !engine.local.refuseDestinations.isEmpty, engine.lookup(domain)?.nextHop != nil,
              let countries = engine.originValidator?.countries(of: domain) else { return nil }
        return countries.first(where: engine.local.refuseDestinations.contains)
    }

    /// Whether mail for `domain` may be accepted from `source` (DESIGN §3): own domains from
    /// anyone; from a neighbour only for domains this node announces to it; from local
    /// clients for any domain with a route that accepts mail from this node's region (and not
    /// in a refused destination country); everything else is refused (550 5.7.1).
    public static func mayAccept(domain: DomainName, from source: MailSource, engine: RoutingEngine) -> Bool {
        if engine.lookup(domain)?.nextHop == nil && engine.lookup(domain) != nil { return true }
        if refusedDestination(domain, engine: engine) != nil { return false }
        switch source {
        case .neighbour(let name):
            guard let index = engine.neighbourIndex(named: name) else { return false }
            return engine.announces(domain, to: index)
        case .localClient:
            // Mail from local clients originates in this node's region: some route must take it.
            guard case .forward(let candidates) = target(for: domain, in: engine) else { return engine.lookup(domain) != nil }
            return !admitting(candidates, origin: engine.local.region).isEmpty
        case .stranger:
            return false
        }
    }
}

extension RoutingEngine {
    /// The PRICE this node announced to neighbour `index` on the route mail for `domain` follows
    /// (longest label-wise suffix, as ``announces(_:to:)``): what it books as earned per message
    /// a customer hands it for that domain. Nil when it announces no such route.
    public func announcedPrice(for domain: DomainName, to index: Int) -> UInt32? {
        for suffix in domain.suffixes {
            guard let d = domains.index(of: suffix) else { continue }
            if let attributes = neighbours[index].adjRIBOut[d] { return attributes.price }
            if !locRIB[Int(d)].isEmpty { return nil }
        }
        return nil
    }

    /// What a message for `domain` from neighbour `name` earns this node: the PRICE it
    /// announced to that neighbour for the domain, or `fallback` (the contract's default price)
    /// when it announced none.
    public func earnedPrice(for domain: DomainName?, from name: String, fallback: UInt32) -> UInt32 {
        guard let domain, let index = neighbourIndex(named: name), neighbours[index].config.relationship == .customer else { return fallback }
        return announcedPrice(for: domain, to: index) ?? fallback
    }

    /// True when this node announces a route covering `domain` (longest label-wise suffix) to neighbour `index`.
    public func announces(_ domain: DomainName, to index: Int) -> Bool {
        for suffix in domain.suffixes {
            guard let d = domains.index(of: suffix) else { continue }
            if neighbours[index].adjRIBOut[d] != nil { return true }
            // A more specific route that is not announced must not fall back to a shorter one the
            // neighbour knows: mail follows the longest match here.
            if !locRIB[Int(d)].isEmpty { return false }
        }
        return false
    }
}
