import Foundation
@testable import MXGPBenchmarks
import MXGPCore
import MXGPTopology
import NIOCore
import NIOPosix
import Testing
@testable import MXGPNode

/// Session limits and route-leak protection against a misconfigured or misbehaving
/// neighbour (DESIGN §5): max-domains with each action, a wrong role in OPEN, a leaked
/// route carrying OTC. The neighbour is a hand-driven session (`RouteInjector`).
@Suite(.serialized) struct SessionLimitTests {
    static let pair = try! Topology.parse(yaml: """
        name: pair
        nodes:
          up: { role: upstream, operator: 100, region: US }
          colo: { role: colo, operator: 64500, region: US, domains: [c.example] }
        links:
          - { a: colo, b: up }
        """).topology

    /// `up` on loopback, waiting passively for its customer colo (operator 64500).
    static func receiver(maxDomains: UInt32 = 0, action: DomainLimitAction = .block) async throws -> (PeeringService, NodeMetrics, HostPort) {
        let host = LoopbackHosts.unique()
        let port = try await freePorts(1, host: host)[0]
        let listen = HostPort(host: host, port: UInt16(port))
        var settings = PeeringSettings.forTopologyNode("up", in: pair, mxgpAddress: { _ in listen }, smtpEndpoint: "up:25", listen: listen)!
        settings.neighbours[0].address = nil
        settings.neighbours[0].maxDomains = maxDomains
        settings.neighbours[0].maxDomainsAction = action
        let service = try PeeringService(settings: settings, logger: testLogger("up"))
        let metrics = NodeMetrics()
        await service.onDomainLimit { metrics.domainLimit(action: $0.rawValue) }
        try await service.start()
        return (service, metrics, listen)
    }

    /// A hand-driven neighbour: OPEN as operator 64500 with `role`, then announces `names`.
    static func inject(
        to address: HostPort, role: Relationship = .customer, names: [DomainName], attributes: PathAttributes? = nil
    ) async throws -> (RouteInjector, Channel) {
        let open = OpenMessage(operatorNumber: 64500, holdTime: 3, role: role, nodeRole: .colo, region: Region("US")!, nodeName: "colo")
        let attributes = attributes ?? PathAttributes(operatorPath: [64500], nextHop: "127.0.0.1:25", originProof: OriginProof(region: Region("US")!))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let injector = RouteInjector(open: open, attributes: attributes, names: names, perUpdate: 2, loop: loop)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MXGPMessageDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MXGPMessageEncoder()))
                    try channel.pipeline.syncOperations.addHandler(injector)
                }
            }
            .connect(host: address.host, port: Int(address.port)).get()
        return (injector, channel)
    }

    static func domains(_ count: Int) -> [DomainName] { (1...count).map { DomainName("d\($0).example")! } }

    static func routes(_ service: PeeringService) async -> Int {
        await service.routes().filter { $0.nextHop == "colo" }.count
    }

    @Test(arguments: [DomainLimitAction.warn, .block])
    func overMaxDomainsTheNodeWarnsOrBlocks(action: DomainLimitAction) async throws {
        let (up, metrics, address) = try await Self.receiver(maxDomains: 3, action: action)
        let (injector, channel) = try await Self.inject(to: address, names: Self.domains(6))
        try await injector.established.futureResult.get()
        channel.eventLoop.execute { injector.startAnnouncing() }
        let expected = action == .warn ? 6 : 3
        #expect(await LoopbackNodes.poll { await Self.routes(up) == expected })
        try await Task.sleep(for: .milliseconds(200))
        #expect(await Self.routes(up) == expected)
        #expect(await up.peers().first?.state == "Established")
        #expect(metrics.render().contains(#"mxgp_domain_limit_total{action="\#(action.rawValue)"}"#))
        #expect(injector.failure == nil)
        try? await channel.close()
        await up.stop()
    }

    @Test func overMaxDomainsWithResetTheSessionIsClosedWithCease61() async throws {
        let (up, metrics, address) = try await Self.receiver(maxDomains: 3, action: .reset)
        let (injector, channel) = try await Self.inject(to: address, names: Self.domains(6))
        try await injector.established.futureResult.get()
        channel.eventLoop.execute { injector.startAnnouncing() }
        #expect(await LoopbackNodes.poll { injector.failure != nil })
        #expect(injector.failure?.contains("(6/1)") == true, "got \(injector.failure ?? "nothing")")
        #expect(await LoopbackNodes.poll { await Self.routes(up) == 0 })
        #expect(metrics.render().contains(#"mxgp_domain_limit_total{action="reset"} 1"#))
        try? await channel.close()
        await up.stop()
    }

    @Test func aNeighbourClaimingTheWrongRoleIsRefusedWithRoleMismatch() async throws {
        let (up, _, address) = try await Self.receiver()
        // up has colo as its customer; a misconfigured colo says it is up's provider.
        let (injector, channel) = try await Self.inject(to: address, role: .provider, names: Self.domains(1))
        await #expect(throws: (any Error).self) { try await injector.established.futureResult.get() }
        #expect(injector.failure?.contains("(2/4)") == true, "got \(injector.failure ?? "nothing")")
        #expect(await up.peers().first?.lastError?.contains("role") == true)
        #expect(await Self.routes(up) == 0)
        try? await channel.close()
        await up.stop()
    }

    @Test func aLeakedRouteCarryingOTCFromACustomerIsIneligible() async throws {
        let (up, _, address) = try await Self.receiver()
        // The customer passes on a route it learned from a provider or peer (OTC set by operator 7).
        let leaked = PathAttributes(
            operatorPath: [64500, 7, 64999], nextHop: "127.0.0.1:25", onlyToCustomer: 7, originProof: OriginProof(region: Region("US")!))
        let (injector, channel) = try await Self.inject(to: address, names: [DomainName("leaked.example")!], attributes: leaked)
        try await injector.established.futureResult.get()
        channel.eventLoop.execute { injector.startAnnouncing() }
        #expect(await LoopbackNodes.poll {
            let entries = (try? await up.onLoop { $0.engine.adjRIBIn(of: 0).map { ($0.0.text, $0.1.ineligible) } }) ?? []
            return entries.contains { $0.0 == "leaked.example" && $0.1 == .otcLeak }
        })
        #expect(await up.lookup(DomainName("leaked.example")!) == nil)
        #expect(await up.peers().first?.state == "Established")
        try? await channel.close()
        await up.stop()
    }
}
