import MXGPCore

extension TopologyGenerator {
    /// The proportions of the `internet` shape, close to CAIDA's AS-relationship data.
    public enum InternetShape {
        /// Share of nodes with no customers (stubs, role `colo`): 85 %.
        public static let stubPercent = 85
        /// Peer links per customer–provider link: one for two.
        public static let peerLinksPerTransitLink = 0.5
        /// Share of peer links with one stub end (content networks at exchanges): 30 %.
        public static let stubPeeringPercent = 30
    }

    /// A graph with the Internet's degree structure (the `internet` shape), for the
    /// propagation solver at 75,000 nodes:
    ///
    /// - 3–16 Tier 1s (`tier1`) in a full peer mesh;
    /// - transit networks (`upstream`, with the Tier 1s 15 % of the nodes), each buying from
    ///   1–3 earlier transit networks or Tier 1s (40 % / 40 % / 20 %) picked by preferential
    ///   attachment (weight: 1 + customers), so customer cones are heavy-tailed and the
    ///   provider graph has no cycles;
    /// - stubs (`colo`, 85 %), single-homed (45 %), dual-homed (40 %) or triple-homed (15 %),
    ///   their providers picked the same way;
    /// - peer links, half as many as customer–provider links, between transit networks picked
    ///   by preferential attachment (70 %) or between such a network and a stub (30 %); never
    ///   between two nodes already linked;
    /// - contract prices 1–9 on customer–provider links.
    ///
    /// Every node is an operator (`as<N>`, operator N = position + 1) with one domain
    /// (`as<N>.example`) and a region drawn from eight. Same seed, same graph.
    static func internet(nodes total: Int, seed: UInt64) -> Topology {
        var rng = SeededRandom(seed: seed)
        let regions = ["US", "DE", "FR", "GB", "JP", "BR", "IN", "NL"].map { Region($0)! }
        let tier1Count = max(3, min(16, total / 5000 + 3))
        let transitCount = max(2, total * (100 - InternetShape.stubPercent) / 100 - tier1Count)
        let stubStart = tier1Count + transitCount
        var nodes: [TopologyNode] = []
        nodes.reserveCapacity(total)
        for i in 0..<total {
            let role: NodeRole = i < tier1Count ? .tier1 : (i < stubStart ? .upstream : .colo)
            let number = OperatorNumber(i + 1)
            nodes.append(TopologyNode(
                name: "as\(number)", role: role, operatorNumber: number, region: regions[Int(rng.next() % UInt64(regions.count))],
                domains: [DomainName("as\(number).example")!]))
        }
        var links: [TopologyLink] = []
        var linked: Set<UInt64> = []
        func key(_ a: Int, _ b: Int) -> UInt64 { UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }
        for i in 0..<tier1Count {
            for j in (i + 1)..<tier1Count {
                links.append(TopologyLink(a: nodes[i].name, b: nodes[j].name, aRole: .peer))
                linked.insert(key(i, j))
            }
        }
        // Preferential attachment: a provider appears once per customer, plus once (three
        // times for a Tier 1) to start with.
        var attach: [Int32] = []
        attach.reserveCapacity(total * 3)
        for i in 0..<tier1Count { attach += [Int32(i), Int32(i), Int32(i)] }
        func buy(_ customer: Int, providers count: Int) {
            var picked: [Int] = []
            var tries = 0
            while picked.count < count && tries < 50 {
                tries += 1
                let p = Int(attach[Int(rng.next() % UInt64(attach.count))])
                guard p != customer, !picked.contains(p) else { continue }
                picked.append(p)
            }
            for p in picked {
                links.append(TopologyLink(a: nodes[customer].name, b: nodes[p].name, aRole: .customer, price: UInt32(1 + rng.next() % 9)))
                linked.insert(key(customer, p))
                attach.append(Int32(p))
            }
        }
        for i in tier1Count..<stubStart {
            let r = rng.next() % 10
            buy(i, providers: r < 4 ? 1 : (r < 8 ? 2 : 3))
            attach.append(Int32(i))
        }
        for i in stubStart..<total {
            let r = rng.next() % 20
            buy(i, providers: r < 9 ? 1 : (r < 17 ? 2 : 3))
        }
        let transitLinks = links.count - tier1Count * (tier1Count - 1) / 2
        let peerTarget = Int(Double(transitLinks) * InternetShape.peerLinksPerTransitLink)
        var peers = 0
        var attempts = 0
        while peers < peerTarget && attempts < peerTarget * 4 {
            attempts += 1
            let a = Int(attach[Int(rng.next() % UInt64(attach.count))])
            let withStub = rng.next() % 100 < InternetShape.stubPeeringPercent && total > stubStart
            let b = withStub
                ? stubStart + Int(rng.next() % UInt64(total - stubStart))
                : Int(attach[Int(rng.next() % UInt64(attach.count))])
            guard a >= tier1Count, b >= tier1Count, a != b, linked.insert(key(a, b)).inserted else { continue }
            links.append(TopologyLink(a: nodes[a].name, b: nodes[b].name, aRole: .peer))
            peers += 1
        }
        return Topology(name: "internet-\(total)", nodes: nodes, links: links)
    }
}
