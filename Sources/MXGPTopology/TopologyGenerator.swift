import MXGPCore

/// Generates synthetic topologies for simulations and benchmarks.
public enum TopologyGenerator {
    /// The shapes `mxgp sim --generate` knows.
    public enum Shape: String, CaseIterable, Sendable {
        /// A Tier-1 clique, two levels of upstreams with some peering, colos multi-homed to 1–3 upstreams.
        case tiers
        /// The Internet's degree structure: Tier-1 mesh, heavy-tailed transit hierarchy,
        /// multi-homed stubs (85 %), peering (``TopologyGenerator/InternetShape``).
        case internet
    }

    /// Generates a topology of about `nodes` nodes (at least 6). Same seed, same topology.
    public static func generate(_ shape: Shape, nodes: Int, seed: UInt64) -> Topology {
        switch shape {
        case .tiers: return tiers(nodes: max(nodes, 6), seed: seed)
        case .internet: return internet(nodes: max(nodes, 10), seed: seed)
        }
    }

    static func tiers(nodes total: Int, seed: UInt64) -> Topology {
        var rng = SeededRandom(seed: seed)
        let regions = ["US", "DE", "FR", "GB", "JP", "BR", "IN", "NL"].map { Region($0)! }
        let tier1Count = max(2, min(12, total / 100))
        let upstreamCount = max(2, total / 5)
        let upperCount = max(1, upstreamCount / 3)
        let coloCount = total - tier1Count - upstreamCount
        var nodes: [TopologyNode] = []
        var links: [TopologyLink] = []
        func region() -> Region { regions[Int(rng.next() % UInt64(regions.count))] }
        let tier1s = (0..<tier1Count).map { "t1-\($0)" }
        for (i, name) in tier1s.enumerated() {
            nodes.append(TopologyNode(name: name, role: .tier1, operatorNumber: OperatorNumber(1 + i), region: region()))
        }
        for i in 0..<tier1Count {
            for j in (i + 1)..<tier1Count { links.append(TopologyLink(a: tier1s[i], b: tier1s[j], aRole: .peer)) }
        }
        let upstreams = (0..<upstreamCount).map { "up-\($0)" }
        for (i, name) in upstreams.enumerated() {
            nodes.append(TopologyNode(name: name, role: .upstream, operatorNumber: OperatorNumber(100 + i), region: region()))
            if i < upperCount {
                // Upper upstreams buy from one or two Tier 1s.
                for t in distinct(1 + Int(rng.next() % 2), from: tier1Count, rng: &rng) {
                    links.append(TopologyLink(a: name, b: tier1s[t], aRole: .customer, price: UInt32(1 + rng.next() % 5)))
                }
            } else {
                // Lower upstreams buy from one or two upper upstreams.
                for u in distinct(1 + Int(rng.next() % 2), from: upperCount, rng: &rng) {
                    links.append(TopologyLink(a: name, b: upstreams[u], aRole: .customer, price: UInt32(1 + rng.next() % 5)))
                }
            }
        }
        // Some peering among upstreams of the same level.
        var peered: Set<[Int]> = []
        for _ in 0..<(upstreamCount / 4) {
            let a = Int(rng.next() % UInt64(upstreamCount))
            let sameLevel = a < upperCount ? (0..<upperCount) : (upperCount..<upstreamCount)
            guard sameLevel.count > 1 else { continue }
            let b = sameLevel.lowerBound + Int(rng.next() % UInt64(sameLevel.count))
            guard a != b, peered.insert([min(a, b), max(a, b)]).inserted else { continue }
            links.append(TopologyLink(a: upstreams[a], b: upstreams[b], aRole: .peer))
        }
        for i in 0..<coloCount {
            let name = "colo-\(i)"
            nodes.append(TopologyNode(
                name: name, role: .colo, operatorNumber: OperatorNumber(64501 + i), region: region(),
                domains: [DomainName("c\(i).example")!]))
            for u in distinct(1 + Int(rng.next() % 3), from: upstreamCount, rng: &rng) {
                links.append(TopologyLink(a: name, b: upstreams[u], aRole: .customer, price: UInt32(1 + rng.next() % 9)))
            }
        }
        return Topology(name: "tiers-\(total)", nodes: nodes, links: links)
    }

    /// `count` distinct indices below `range`, in ascending order.
    static func distinct(_ count: Int, from range: Int, rng: inout SeededRandom) -> [Int] {
        var picked: Set<Int> = []
        while picked.count < min(count, range) { picked.insert(Int(rng.next() % UInt64(range))) }
        return picked.sorted()
    }
}
