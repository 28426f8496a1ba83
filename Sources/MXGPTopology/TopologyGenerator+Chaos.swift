import MXGPCore

extension TopologyGenerator {
    /// A small, varied mail internet for `mxgp sim explore`, all of it drawn from `seed`: one
    /// or two Tier 1s, upstreams that buy from them (some peering), colos multi-homed at
    /// different prices, chargebacks, an occasional rate limit, a region refusal, and origin
    /// validation with a hijacker now and then. `nodes` (at least 5) fixes the size; nil
    /// draws 5 to 10.
    public static func chaos(seed: UInt64, nodes requested: Int? = nil) -> Topology {
        var rng = SeededRandom(seed: seed &* 0x9E37_79B9 &+ 17)
        func draw(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        func chance(_ percent: Int) -> Bool { Int(rng.next() % 100) < percent }
        let regions = ["US", "DE", "FR"].map { Region($0)! }
        func region() -> Region { regions[draw(0...2)] }
        let total = max(5, requested ?? draw(5...10))
        let tier1Count = total >= 8 ? 2 : draw(1...2)
        let upstreamCount = max(2, (total - tier1Count) / 3)
        let coloCount = max(2, total - tier1Count - upstreamCount)
        var nodes: [TopologyNode] = [], links: [TopologyLink] = []
        let tier1s = (0..<tier1Count).map { "t1\(Character(UnicodeScalar(97 + $0)!))" }
        for (i, name) in tier1s.enumerated() {
            nodes.append(TopologyNode(name: name, role: .tier1, operatorNumber: OperatorNumber(1 + i), region: region()))
        }
        if tier1Count == 2 { links.append(TopologyLink(a: tier1s[0], b: tier1s[1], aRole: .peer)) }
        let upstreams = (0..<upstreamCount).map { "up\($0 + 1)" }
        for (i, name) in upstreams.enumerated() {
            var node = TopologyNode(name: name, role: .upstream, operatorNumber: OperatorNumber(100 * (i + 1)), region: region())
            if chance(20) { node.refuseRegions = [region()] }
            nodes.append(node)
            for t in distinct(draw(1...tier1Count), from: tier1Count, rng: &rng) {
                links.append(TopologyLink(a: name, b: tier1s[t], aRole: .customer, price: UInt32(draw(1...3))))
            }
        }
        if upstreamCount > 2 && chance(40) { links.append(TopologyLink(a: upstreams[0], b: upstreams[1], aRole: .peer)) }
        var colos: [String] = []
        for i in 0..<coloCount {
            let name = "colo\(i + 1)"
            colos.append(name)
            nodes.append(TopologyNode(name: name, role: .colo, operatorNumber: OperatorNumber(64501 + i), region: region(),
                                      domains: [DomainName("c\(i + 1).example")!]))
            for u in distinct(draw(1...2), from: upstreamCount, rng: &rng) {
                var link = TopologyLink(a: name, b: upstreams[u], aRole: .customer, price: UInt32(draw(1...9)))
                if chance(30) { link.chargeback = UInt32(draw(1...5) * 10) }
                if chance(15) { link.rateLimit = 600 }
                links.append(link)
            }
        }
        var validation: TopologyOriginValidation?
        if chance(25) {
            validation = TopologyOriginValidation()
            if chance(50) {
                // A hijacker: a colo that also originates another colo's domain, left out of the registry.
                let name = "evil", victim = DomainName("c\(draw(1...coloCount)).example")!
                var node = TopologyNode(name: name, role: .colo, operatorNumber: 64666, region: region(), domains: [DomainName("evil.example")!, victim])
                node.hijacked = [victim]
                nodes.append(node)
                links.append(TopologyLink(a: name, b: upstreams[draw(0...(upstreamCount - 1))], aRole: .customer, price: 1))
                validation?.leaveOut = [name]
            }
        }
        addCountryTerms(seed: seed, nodes: &nodes, links: &links)
        // Contracts by country and refused destinations go by the registry's countries.
        if validation == nil && (links.contains { $0.coverage.dependsOnCountry } || nodes.contains { !$0.refuseDestinations.isEmpty }) {
            validation = TopologyOriginValidation()
        }
        return Topology(name: "explore-\(seed)", nodes: nodes, links: links, originValidation: validation)
    }

    /// The policy of issue 12, drawn from a generator of its own so that the rest of a seed's
    /// topology stays what it was: now and then a colo's contract priced or limited by country,
    /// an upstream that refuses a destination country, and a colo that expects complaints.
    static func addCountryTerms(seed: UInt64, nodes: inout [TopologyNode], links: inout [TopologyLink]) {
        var rng = SeededRandom(seed: seed &* 0x2545_F491 &+ 12)
        func draw(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        func chance(_ percent: Int) -> Bool { Int(rng.next() % 100) < percent }
        let countries = ["US", "DE", "FR"].map { Country($0)! }
        let roles = Dictionary(nodes.map { ($0.name, $0.role) }, uniquingKeysWith: { a, _ in a })
        for i in links.indices where roles[links[i].a] == .colo && links[i].aRole == .customer {
            guard chance(25) else { continue }
            let country = countries[draw(0...2)]
            let price = UInt32(draw(0...9))
            // That country only, or every country with that one at its own price.
            links[i].coverage = chance(50) ? ContractCoverage(covers: [country], prices: [country: price]) : ContractCoverage(prices: [country: price])
        }
        for i in nodes.indices {
            if nodes[i].role == .upstream && chance(15) { nodes[i].refuseDestinations = [countries[draw(0...2)]] }
            if nodes[i].role == .colo && chance(20) { nodes[i].complaintRate = ComplaintRateSettings(prior: Double(draw(1...20)) / 100, weight: 10) }
        }
    }
}
