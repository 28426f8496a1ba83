import Foundation
import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPSim

/// The Labs directory of this repository.
let labs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Labs")

func lab(_ name: String) throws -> Topology {
    try TopologyParser.load(path: labs.appendingPathComponent(name).path).topology
}

func route(_ result: SimulationResult, _ node: String, _ domain: String) -> RouteView? {
    result.routes(of: node)?.first { $0.domain.text == domain }
}

@Suite struct SimulationTests {
    @Test func aRefusedRegionIsRoutedAround() throws {
        let result = Simulation(topology: try lab("regional.yaml")).run()
        #expect(result.converged)
        // src is in DE; strict refuses DE and announces REGION_POLICY [DE]. The refusal is decided
        // per message: the cheaper route via strict stays best (it carries mail from elsewhere),
        // marked with the refusal, and the route via open is the alternate src's own mail takes.
        let src = try #require(route(result, "src", "dst.example"))
        #expect(src.nextHop == "strict" && src.refusesRegions == [Region("DE")!] && src.price == 1)
        #expect(src.alternates.map(\.nextHop) == ["open"] && src.alternates.first?.refusesRegions == [])
        let hops = ([src] + src.alternates).map { NextHopCandidate(neighbour: $0.nextHop!, endpoint: $0.endpoint, refusesRegions: $0.refusesRegions) }
        #expect(RelayDecision.admitting(hops, origin: Region("DE")).map(\.neighbour) == ["open"])
        #expect(RelayDecision.admitting(hops, origin: Region("US")).map(\.neighbour) == ["strict", "open"])
        // ussrc, in the US, keeps the route through strict.
        #expect(route(result, "ussrc", "dst.example")?.nextHop == "strict")
        // dst (US) still reaches src through strict: the refusal is about mail from DE, not to it.
        #expect(route(result, "dst", "src.example") != nil)
    }

    @Test func quickstartConvergesWithTheExpectedPaths() throws {
        let result = Simulation(topology: try lab("quickstart.yaml")).run()
        #expect(result.converged)
        // colo1 is multi-homed: up1 (price 3) beats up2 (price 5) on price.
        let bob = try #require(route(result, "colo1", "bob.example"))
        #expect(bob.nextHop == "up1")
        #expect(bob.path == [100, 64502])
        #expect(bob.price == 3)
        #expect(bob.reason == .price)
        #expect(bob.alternates.map(\.nextHop) == ["up2"])
        // colo2 reaches colo3 only over the Tier 1s.
        #expect(route(result, "colo2", "carol.example")?.path == [100, 1, 2, 200, 64503])
        // Every node has a route to every colo domain.
        for (name, routes) in result.nodes {
            #expect(Set(routes.map(\.domain.text)) == ["alice.example", "bob.example", "carol.example"], "node \(name)")
        }
        // Own domains.
        let own = try #require(route(result, "colo1", "alice.example"))
        #expect(own.nextHop == nil && own.path.isEmpty && own.reason == .own)
    }

    @Test func sameSeedSameRunDifferentSeedSameRoutes() throws {
        let topology = try lab("tiers.yaml")
        let a = Simulation(topology: topology, options: SimulationOptions(seed: 7)).run()
        let b = Simulation(topology: topology, options: SimulationOptions(seed: 7)).run()
        let c = Simulation(topology: topology, options: SimulationOptions(seed: 8)).run()
        #expect(a.converged && b.converged && c.converged)
        #expect(a.messages == b.messages)
        #expect(a.virtualTime == b.virtualTime)
        // Valley-free routing with these preferences has one stable outcome whatever the timing.
        #expect(a.nodes.map(\.routes) == c.nodes.map(\.routes))
    }

    @Test func aFailedLinkMovesTheMultiHomedColoToItsOtherUpstream() throws {
        let topology = try lab("quickstart.yaml")
        let result = Simulation(topology: topology, options: SimulationOptions(failedLinks: [SimLink("colo1", "up1")])).run()
        #expect(result.converged)
        #expect(route(result, "colo1", "bob.example")?.nextHop == "up2")
        #expect(route(result, "colo1", "bob.example")?.reason == .onlyRoute)
        #expect(route(result, "colo2", "alice.example")?.path == [100, 1, 2, 200, 64501])
    }

    @Test func aFailedNodeTakesItsDomainsAway() throws {
        let result = Simulation(topology: try lab("quickstart.yaml"), options: SimulationOptions(failedNodes: ["colo3"])).run()
        #expect(result.converged)
        #expect(route(result, "colo1", "carol.example") == nil)
        #expect(result.routes(of: "colo3") == [])
    }

    @Test func faultsDuringARunWithdrawAndHealRestores() throws {
        let topology = try lab("quickstart.yaml")
        let simulation = Simulation(topology: topology)
        simulation.inject(.linkDown(SimLink("colo1", "up1")), at: .seconds(1))
        simulation.inject(.linkUp(SimLink("colo1", "up1")), at: .seconds(2))
        simulation.inject(.nodeDown("up2"), at: .seconds(3))
        simulation.inject(.nodeUp("up2"), at: .seconds(4))
        let result = simulation.run()
        #expect(result.converged)
        #expect(result.virtualTime > .seconds(4))
        let baseline = Simulation(topology: topology).run()
        #expect(result.nodes.map(\.routes) == baseline.nodes.map(\.routes))
        #expect(simulation.sessionPhase("colo1", "up1") == .established)
    }

    @Test func cheaperLongerPathWinsOnPrice() throws {
        let result = Simulation(topology: try lab("cheaper-longer.yaml")).run()
        #expect(result.converged)
        let routes = try #require(result.routes(of: "src"))
        let toDst = try #require(routes.first { !$0.path.isEmpty && $0.reason != .own })
        #expect(toDst.reason == .price)
        #expect(toDst.alternates.first.map { $0.path.count < toDst.path.count } == true)
    }

    @Test func routeLeakIsStoppedByRolesAndOTC() throws {
        let topology = try lab("route-leak.yaml")
        let result = Simulation(topology: topology).run()
        #expect(result.converged)
        // No node may reach anything through the leaky colo unless the domain is the colo's own.
        let leaky = try #require(topology.nodes.first { $0.name == "leaky" })
        for (name, routes) in result.nodes where name != "leaky" {
            for route in routes where route.nextHop == "leaky" {
                #expect(leaky.domains.contains(route.domain), "\(name) routes \(route.domain) through the leaky colo")
            }
        }
    }

    @Test func generatedTopologiesAreValidAndConverge() {
        let topology = TopologyGenerator.generate(.tiers, nodes: 120, seed: 3)
        #expect(topology.nodes.count == 120)
        #expect(topology.diagnostics().filter { $0.severity == .error }.isEmpty)
        let again = TopologyGenerator.generate(.tiers, nodes: 120, seed: 3)
        #expect(again == topology)
        let result = Simulation(topology: topology).run()
        #expect(result.converged)
        let coloDomains = Set(topology.nodes.flatMap(\.domains))
        for (name, routes) in result.nodes {
            #expect(Set(routes.map(\.domain)) == coloDomains, "\(name) misses routes")
        }
    }

    /// The simulation agrees with the engine's rules on every node: each best route is the best
    /// of the candidates the node holds.
    @Test func everyBestRouteIsTheTopOfItsRanking() throws {
        let simulation = Simulation(topology: try lab("large-50.yaml"))
        let result = simulation.run()
        #expect(result.converged)
        for (name, routes) in result.nodes {
            let engine = try #require(simulation.engine(of: name))
            for route in routes {
                let ranked = engine.candidates(for: route.domain)
                #expect(DecisionProcess.rank(ranked) == ranked)
            }
        }
    }
}
