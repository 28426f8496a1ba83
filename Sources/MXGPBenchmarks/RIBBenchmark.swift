import MXGPCore
import MXGPProcess
import NIOCore

/// `mxgp bench rib`: N neighbours each announce the same D domains over different
/// paths (the bgperf2 shape), through decode → import policy → decision → export
/// to a monitoring customer, which gets its UPDATEs encoded.
public struct RIBBenchmark: Sendable {
    /// Neighbours announcing routes.
    public var peers: Int
    /// Domains each neighbour announces.
    public var domains: Int
    /// Domains per UPDATE message the peers send.
    public var domainsPerUpdate: Int
    /// Seed for the generated paths.
    public var seed: UInt64

    /// A benchmark of `peers` neighbours × `domains` domains.
    public init(peers: Int = 50, domains: Int = 100_000, domainsPerUpdate: Int = 1000, seed: UInt64 = 1) {
        self.peers = peers
        self.domains = domains
        self.domainsPerUpdate = domainsPerUpdate
        self.seed = seed
    }

    /// What one run measured.
    public struct Result: Sendable {
        /// Routes received in all (neighbours × domains).
        public var routes: Int
        /// Time spent in decode, import, decision and export (input generation excluded).
        public var seconds: Double
        /// Peak resident memory of this process, bytes.
        public var peakResidentBytes: Int
        /// Best routes in the Loc-RIB at the end.
        public var bestRoutes: Int
        /// How often the decision process ran.
        public var decisionRuns: Int
        /// UPDATEs exported to the monitoring customer.
        public var updatesOut: Int
        /// Bytes of those UPDATEs.
        public var bytesOut: Int

        /// Routes processed per second.
        public var routesPerSecond: Double { Double(routes) / max(seconds, 1e-9) }
    }

    /// Runs the benchmark; throws if the generated UPDATEs do not decode (a codec bug).
    public func run() throws -> Result {
        let localOperator: OperatorNumber = 65000
        var neighbours = (0..<peers).map { i in
            NeighbourRoutingConfig(name: "peer\(i)", operatorNumber: OperatorNumber(1000 + i), relationship: .peer)
        }
        neighbours.append(NeighbourRoutingConfig(name: "monitor", operatorNumber: 2000, relationship: .customer, contractPrice: 1))
        let policy = NodePolicy(importPolicy: Policy(rules: [
            PolicyRule(match: PolicyMatch(domainSuffix: DomainName("invalid")), verdict: .reject),
            PolicyRule(match: PolicyMatch(pathContains: 666), verdict: .reject),
        ]))
        var engine = RoutingEngine(
            local: LocalRoutingConfig(name: "bench", operatorNumber: localOperator, role: .upstream, region: Region("US")!, nextHop: "bench:25", policy: policy),
            neighbours: neighbours)
        for i in neighbours.indices { engine.neighbourUp(i) }
        _ = engine.flush()
        let names = (0..<domains).map { DomainName("d\($0).bench.example")! }
        var rng = SeededRandom(seed: seed)
        let clock = ContinuousClock()
        var busy: Duration = .zero
        var updatesOut = 0, bytesOut = 0
        var output = ByteBuffer()
        for peer in 0..<peers {
            let input = encodeAnnouncements(peer: peer, names: names, rng: &rng)
            busy += try clock.measure {
                var buffer = input
                var decoder = MXGPMessageDecoder()
                while let message = try decoder.decode(buffer: &buffer) {
                    guard case .update(let update) = message else { continue }
                    engine.receive(update, from: peer)
                    for out in engine.flush() {
                        for message in out.messages {
                            output.clear()
                            message.encode(into: &output)
                            updatesOut += 1
                            bytesOut += output.readableBytes
                        }
                    }
                }
            }
        }
        return Result(
            routes: peers * domains, seconds: busy.inSeconds,
            peakResidentBytes: ProcessUsage.currentPeakResidentBytes(), bestRoutes: engine.routeCount,
            decisionRuns: engine.decisionRuns, updatesOut: updatesOut, bytesOut: bytesOut)
    }

    /// One peer's UPDATEs: chunks of domains, each chunk over its own random path.
    func encodeAnnouncements(peer: Int, names: [DomainName], rng: inout SeededRandom) -> ByteBuffer {
        var buffer = ByteBuffer()
        var start = 0
        while start < names.count {
            let end = min(start + domainsPerUpdate, names.count)
            let middle = (0..<Int(rng.next() % 5)).map { _ in OperatorNumber(3000 + rng.next() % 5000) }
            let attributes = PathAttributes(
                operatorPath: [OperatorNumber(1000 + peer)] + middle + [OperatorNumber(64512 + (start / domainsPerUpdate) % 1000)],
                nextHop: "10.\(peer / 256).\(peer % 256).1:25", price: UInt32(rng.next() % 4), onlyToCustomer: OperatorNumber(1000 + peer),
                originProof: OriginProof(region: Region("US")!))
            MXGPMessage.update(UpdateMessage(attributes: attributes, announced: Array(names[start..<end]))).encode(into: &buffer)
            start = end
        }
        return buffer
    }
}
