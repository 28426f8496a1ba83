import Foundation
import MXGPSim
import MXGPTopology
import Testing
@testable import MXGPLab

/// `timers:` in a topology file reaches every node the lab writes and the simulator alike.
@Suite struct TopologyTimersTests {
    /// cheaper-longer turns the slow-next-hop rule off: every node config says so and reads
    /// back the same; quickstart keeps the lab's 1 s.
    @Test func policyLabsTurnTheSlowNextHopRuleOff() throws {
        let cheaper = try LabPlanTests.topology("cheaper-longer.yaml")
        #expect(cheaper.timers == TopologyTimers(slowNextHop: .off))
        let plan = try LabPlanner.plan(cheaper, layout: .rooted(at: "/run/mxgp/labs/cheaper-longer"))
        for node in plan.nodes {
            #expect(node.config.timers.slowNextHop == nil)
            #expect(node.config.timers.holdTime == NodeConfig.Timers.lab.holdTime)
            #expect(node.config.yamlText.contains("  slow-next-hop: off\n"))
            #expect(try NodeConfig.parse(yaml: node.config.yamlText).timers == node.config.timers)
        }
        #expect(Simulation(topology: cheaper).mailTimers.slowNextHop == nil)
        let quickstart = try LabPlanTests.quickstart()
        #expect(quickstart.nodes.allSatisfy { $0.config.timers.slowNextHop == .seconds(1) })
        #expect(Simulation(topology: try LabPlanTests.topology("quickstart.yaml")).mailTimers.slowNextHop == .seconds(1))
    }

    /// A limit and a probe interval go over the lab's values, and a written topology reads back.
    @Test func valuesGoOverTheLabsAndRoundTrip() throws {
        var topology = try LabPlanTests.topology("quickstart.yaml")
        topology.timers = TopologyTimers(slowNextHop: .after(.milliseconds(2500)), slowNextHopRetry: .seconds(30))
        let timers = topology.timers.applied(to: LabPlanner.timers(nodeCount: 1000))
        #expect(timers.slowNextHop == .milliseconds(2500) && timers.slowNextHopRetry == .seconds(30))
        #expect(timers.holdTime == LabPlanner.bigLabHoldTime)
        #expect(topology.yamlText.contains("timers: { slow-next-hop: 2500ms, slow-next-hop-retry: 30s }\n"))
        #expect(try TopologyParser.parse(yaml: topology.yamlText, file: "written.yaml").topology.timers == topology.timers)
        let simulated = Simulation(topology: topology).mailTimers
        #expect(simulated.slowNextHop == .milliseconds(2500) && simulated.slowNextHopRetry == .seconds(30))
    }
}
