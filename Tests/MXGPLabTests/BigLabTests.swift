import Foundation
import MXGPSim
import MXGPTopology
import Testing
@testable import MXGPLab

/// What makes a thousand-node lab possible: batched setup, scaled timers, raised host limits,
/// sampled verification.
@Suite struct BigLabTests {
    @Test func quickstartSetupBatchesMatchGolden() throws {
        let plan = try LabPlanTests.quickstart()
        let steps = NetnsBatch.steps(NetnsCommands.setup(plan), folder: "/run/mxgp/labs/quickstart/setup")
        let text = steps.map { step in
            "$ " + step.argv.joined(separator: " ") + "\n" + (step.file.map { "  " + $0.text.split(separator: "\n").joined(separator: "\n  ") + "\n" } ?? "")
        }.joined()
        try Golden.check(text, "quickstart.netns-batch.txt")
        // One host batch, then one ip batch and one iptables-restore per namespace: 1 + 2 × nodes.
        #expect(steps.count == 1 + 2 * plan.nodes.count)
    }

    /// Every setup command lands in exactly one batch line, none is dropped.
    @Test func batchesKeepEveryCommand() throws {
        let plan = try LabPlanTests.quickstart()
        let commands = NetnsCommands.setup(plan)
        let steps = NetnsBatch.steps(commands, folder: "/f")
        let lines = steps.compactMap(\.file).flatMap { $0.text.split(separator: "\n") }
            .filter { !["*filter", "COMMIT"].contains($0) }
        #expect(lines.count == commands.count)
        #expect(steps.allSatisfy { $0.file == nil || $0.argv.last == $0.file!.name })
    }

    /// Host steps run first and alone; each namespace's steps stay in order in one lane (its
    /// addresses before its chains); every step is in exactly one place.
    @Test func setupLanesKeepEachNamespaceInOrder() throws {
        let plan = try LabPlanTests.quickstart()
        let steps = NetnsBatch.steps(NetnsCommands.setup(plan), folder: "/f")
        let lanes = NetnsBatch.lanes(steps)
        #expect(lanes.host.map(\.argv) == [["ip", "-batch", "/f/host.ip"]])
        #expect(lanes.namespaces.count == plan.nodes.count)
        for lane in lanes.namespaces {
            #expect(lane.map { $0.argv[0...2].joined(separator: " ") } == ["ip", "iptables-restore"].map { "nsenter --net=/run/netns/\(lane[0].namespace!) \($0)" })
            #expect(Set(lane.compactMap(\.namespace)).count == 1 && lane.allSatisfy { $0.namespace != nil })
        }
        #expect(lanes.rest.isEmpty)
        #expect(lanes.host.count + lanes.namespaces.joined().count + lanes.rest.count == steps.count)
        // Veth pairs are created in their namespaces: nothing is moved from the host's.
        #expect(lanes.host.first?.file?.text.contains("link set ") == false)
        #expect(lanes.host.first?.file?.text.contains("link add ") == true)
    }

    @Test(arguments: [(7, true), (200, true), (201, false), (1000, false)])
    func bigLabsGetScaledTimers(nodes: Int, fast: Bool) throws {
        let timers = LabPlanner.timers(nodeCount: nodes)
        #expect((timers.fastLivenessMilliseconds != nil) == fast)
        #expect(timers.holdTime == (fast ? NodeConfig.Timers.lab.holdTime : LabPlanner.bigLabHoldTime))
        #expect(timers.advertisementInterval == (fast ? .zero : LabPlanner.bigLabAdvertisementInterval))
        // The node reads back what the lab writes.
        var config = try NodeConfig.parse(yaml: "name: up1\noperator: 100\nregion: US\nrole: upstream\nsmtp-endpoint: 192.0.2.1:25\n")
        config.timers = timers
        #expect(config.yamlText.contains("  advertisement-interval: 1s\n") == !fast)
        #expect(try NodeConfig.parse(yaml: config.yamlText).timers == timers)
    }

    @Test func hostLimitsGrowWithTheLab() {
        let small = Dictionary(uniqueKeysWithValues: LabHostLimits.settings(nodes: 7, links: 8).map { ($0.name, $0.minimum) })
        #expect(small["net.ipv4.neigh.default.gc_thresh3"]! <= 1024)  // the kernel's default is enough
        let big = Dictionary(uniqueKeysWithValues: LabHostLimits.settings(nodes: 1000, links: 2000).map { ($0.name, $0.minimum) })
        #expect(big["net.ipv4.neigh.default.gc_thresh3"]! >= 4000)
        #expect(big["net.ipv4.neigh.default.gc_thresh1"]! < big["net.ipv4.neigh.default.gc_thresh2"]!)
        #expect(big["kernel.pid_max"]! > 32768)
    }

    @Test func sampledPairsAreDistinctAndRepeatable() {
        let pairs = LabVerifier.pairs(of: 800, sample: 100, seed: 7)
        #expect(pairs.count == 100)
        #expect(Set(pairs.map { $0.0 * 800 + $0.1 }).count == 100)
        #expect(pairs.allSatisfy { $0.0 != $0.1 && (0..<800).contains($0.0) && (0..<800).contains($0.1) })
        #expect(pairs.map { [$0.0, $0.1] } == LabVerifier.pairs(of: 800, sample: 100, seed: 7).map { [$0.0, $0.1] })
        #expect(pairs.map { [$0.0, $0.1] } != LabVerifier.pairs(of: 800, sample: 100, seed: 8).map { [$0.0, $0.1] })
        // A sample as large as all pairs is all pairs, in order.
        #expect(LabVerifier.pairs(of: 3, sample: 10, seed: 1).map { [$0.0, $0.1] } == [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]])
    }

    /// Labs/large-1000.yaml is what `mxgp lab generate` makes, so it can be made again.
    @Test func large1000IsTheGeneratedTopology() throws {
        let file = try LabPlanTests.topology("large-1000.yaml")
        var generated = TopologyGenerator.generate(.tiers, nodes: 1000, seed: 1)
        generated.name = "large-1000"
        #expect(file.nodes.count == 1000)
        #expect(file.yamlText == generated.yamlText)
    }

    /// Big labs expect the solver's routes: on every lab in Labs/ (large-1000 would take the
    /// simulation minutes), with a link and a node failed, they are the simulation's.
    @Test(arguments: [
        "chargeback.yaml", "cheaper-longer.yaml", "countries.yaml", "hierarchy-mxgp.yaml",
        "hierarchy-postfix.yaml", "hijack-protected.yaml", "hijack.yaml", "large-50.yaml",
        "liability.yaml", "mesh-mxgp.yaml", "mesh-postfix.yaml", "overload-burst-nodrain.yaml",
        "overload-burst.yaml", "overload.yaml", "quickstart.yaml", "region-transit.yaml",
        "regional.yaml", "route-leak.yaml", "tiers.yaml", "wont-talk.yaml"
    ])
    func solvedExpectedRoutesAreTheSimulatedOnes(file: String) throws {
        let topology = try LabPlanTests.topology(file)
        let link = topology.links[0]
        let failedLinks: Set<SimLink> = [SimLink(link.a, link.b)], failedNodes: Set<String> = [topology.nodes.last!.name]
        let simulated = ExpectedRoutes(simulating: topology, failedLinks: failedLinks, failedNodes: failedNodes)
        let solved = ExpectedRoutes(solving: topology, failedLinks: failedLinks, failedNodes: failedNodes)
        #expect(simulated.converged && solved.converged)
        for (node, routes) in simulated.routes {
            #expect(solved.routes[node] == routes, "\(file): \(node)")
        }
        #expect(solved.routes.count == simulated.routes.count)
    }
}
