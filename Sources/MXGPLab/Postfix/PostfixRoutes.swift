import MXGPCore
import MXGPTopology

/// The static forwarding table of a Postfix node, computed once from the topology when the
/// lab comes up (today's email has no routing protocol: nothing changes it afterwards).
///
/// - Own domains are delivered locally.
/// - A domain in the customer cone of a customer (the customer's own domains and, recursively,
///   its customers') goes down to that customer.
/// - A domain in a peer's customer cone goes to the peer: at Tier 1s always (they have no
///   provider; each is a tree root), elsewhere only with `routing: static`.
/// - Everything else goes up to the preferred provider (`relayhost`).
///
/// Where several neighbours reach a domain, they are ranked as MXGP ranks routes (customer
/// before peer, then lower price, shorter path, lower operator number); with
/// `backup-relays: true` the others become MX-style fallbacks (`smtp_fallback_relay`), which
/// Postfix tries only after the first one failed in the same delivery attempt.
public struct PostfixRoutes: Sendable, Hashable {
    /// Next hops, preferred first, by node name.
    public typealias Hops = [String]

    /// Domains delivered to the node's own mailbox.
    public var localDomains: [String]
    /// Providers, preferred first: the first is `relayhost`, the others its fallbacks.
    public var providers: Hops
    /// Domain → next hops, preferred first, for domains that do not go to the providers.
    public var table: [(domain: String, hops: Hops)]

    public static func == (a: PostfixRoutes, b: PostfixRoutes) -> Bool {
        a.localDomains == b.localDomains && a.providers == b.providers
            && a.table.map(\.domain) == b.table.map(\.domain) && a.table.map(\.hops) == b.table.map(\.hops)
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(localDomains)
        hasher.combine(providers)
        for entry in table { hasher.combine(entry.domain); hasher.combine(entry.hops) }
    }

    /// The table of `node` in `topology`.
    public static func compute(_ node: String, in topology: Topology) -> PostfixRoutes {
        let settings = topology.postfixSettings(of: node)
        let backups = settings.backupRelays ?? true
        let neighbours = topology.neighbours(of: node)
        let own = Set(topology.node(named: node)?.domains.map(\.text) ?? [])
        let providers = neighbours.filter { $0.relationship == .provider }
            .sorted { ($0.price, $0.node.operatorNumber) < ($1.price, $1.node.operatorNumber) }.map(\.node.name)
        let usePeers = settings.routing == .static || providers.isEmpty
        // domain → candidates (rank, price, distance, operator, name)
        var candidates: [String: [(rank: Int, price: UInt32, distance: Int, op: UInt32, name: String)]] = [:]
        for neighbour in neighbours {
            let rank: Int
            switch neighbour.relationship {
            case .customer: rank = 0
            case .peer where usePeers: rank = 1
            default: continue
            }
            for (domain, distance) in cone(of: neighbour.node.name, in: topology) where !own.contains(domain) {
                candidates[domain, default: []].append((rank, neighbour.price, distance, neighbour.node.operatorNumber, neighbour.node.name))
            }
        }
        let table = candidates.keys.sorted().map { domain in
            let ranked = candidates[domain]!.sorted { ($0.rank, $0.price, $0.distance, $0.op) < ($1.rank, $1.price, $1.distance, $1.op) }.map(\.name)
            return (domain: domain, hops: backups ? ranked : Array(ranked.prefix(1)))
        }
        return PostfixRoutes(localDomains: own.sorted(), providers: backups ? providers : Array(providers.prefix(1)), table: table)
    }

    /// The customer cone of `node`: its own domains at distance 1, its customers' at 2, and so on
    /// (the shortest distance where a domain is reached twice).
    static func cone(of node: String, in topology: Topology) -> [(String, Int)] {
        var distance: [String: Int] = [:]
        var frontier = [node], seen: Set<String> = [node], depth = 1
        while !frontier.isEmpty, depth <= topology.nodes.count {
            var next: [String] = []
            for name in frontier {
                for domain in topology.node(named: name)?.domains ?? [] where distance[domain.text] == nil { distance[domain.text] = depth }
                for customer in topology.neighbours(of: name) where customer.relationship == .customer && !seen.contains(customer.node.name) {
                    seen.insert(customer.node.name)
                    next.append(customer.node.name)
                }
            }
            frontier = next
            depth += 1
        }
        return distance.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Whether mail at `node` for `domain` can leave by this table (locally, by an entry, or up).
    public func routes(_ domain: String) -> Bool {
        localDomains.contains(domain) || table.contains { $0.domain == domain } || !providers.isEmpty
    }
}
