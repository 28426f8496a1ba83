import Foundation
import MXGPAdminAPI
import MXGPCore
import MXGPStore
import MXGPTopology
import Testing
@testable import MXGPNode

/// Overload announced through MXGP (PROTOCOL §5.9): a node pushed past its queue-high marks
/// its routes DRAINING, its neighbour moves to the alternate, and once the queue is back at or
/// below queue-low the mark is withdrawn and the route returns.
@Suite(.serialized) struct OverloadDrainNodeTests {
    @Test func aNodePastQueueHighDrainsAndComesBack() async throws {
        let lab = try await MailLab(
            try Topology.parse(yaml: MailFailoverTests.multihomed).topology, localClients: ["a"],
            overload: ["up1": OverloadSettings(queueHigh: 3, queueLow: 1, hold: .milliseconds(500))])
        try await lab.start()
        let a = lab.nodes["a"]!, up1 = lab.nodes["up1"]!
        let route: @Sendable () async -> RouteView? = { await a.peering.lookup(DomainName("b.example")!) }
        #expect(await LoopbackNodes.poll {
            let r = await route()
            return r?.nextHop == "up1" && r?.alternates.first?.nextHop == "up2"
        })
        #expect(await route()?.reason == .price)

        // Five messages up1 cannot deliver (no route to their domain) stay in its queue: 5 > 3.
        var ids: [String] = []
        for i in 0..<5 {
            let result = try await up1.store.accept(IncomingMessage(
                envelopeFrom: "<>", recipients: [.init(address: "x@nowhere.example", local: false)],
                data: Data("Subject: \(i)\r\n\r\nstuck\r\n".utf8), receivedFrom: "test", hops: ["up1"], messageId: "<stuck\(i)@test>"))
            ids.append(result.id)
        }
        up1.engine.wake()
        let drained = await LoopbackNodes.poll(timeout: .seconds(10)) { await route()?.nextHop == "up2" }
        #expect(drained, "a's route to b.example should move to up2 once up1 drains")
        let moved = await route()
        #expect(moved?.reason == .notDraining)
        #expect(moved?.alternates.first?.nextHop == "up1")
        #expect(moved?.alternates.first?.reason == .notDraining)
        let info = await up1.peering.info()
        #expect(info.overload?.draining == true)
        // The monitor samples the queue while the five are stored: it drains at the first sample
        // above 3 (4 or 5 on a loaded machine).
        #expect(["queue 4 > 3", "queue 5 > 3"].contains(info.overload?.why ?? ""), "\(String(describing: info.overload))")
        #expect(await LoopbackNodes.poll { up1.metrics.render().contains("mxgp_draining 1.0") })
        // The depth shown is the last sample; a draining node samples every tick, so one taken
        // after the fifth message was stored comes soon (the first may have seen four).
        #expect(await LoopbackNodes.poll(timeout: .seconds(5)) { await up1.peering.info().overload?.queueDepth == 5 })
        try await AdminAPITests.withServer(up1.peering) { client in
            let body = try await client.request("GET", AdminPath.node).body
            let node = try AdminJSON.decode(NodeInfo.self, from: body)
            #expect(node.overload?.draining == true && ["queue 4 > 3", "queue 5 > 3"].contains(node.overload?.why ?? "")
                    && node.overload?.queueDepth == 5)
            #expect(body.contains(#""draining" : true"#) || body.contains(#""draining": true"#))
        }

        // The queue empties (the stuck messages bounce): at or below queue-low the mark goes.
        for id in ids { try await up1.store.bounced(queueId: id, recipients: ["x@nowhere.example"], reply: "550 5.1.2 test") }
        let back = await LoopbackNodes.poll(timeout: .seconds(10)) { await route()?.nextHop == "up1" }
        #expect(back, "the route should return to up1 once the mark is withdrawn")
        #expect(await route()?.reason == .price)
        #expect(await up1.peering.info().overload?.draining == false)
        #expect(await LoopbackNodes.poll { up1.metrics.render().contains("mxgp_draining 0.0") })
        // A node without `overload:` says nothing about it.
        #expect(await a.peering.info().overload == nil)
        await lab.stop()
    }
}
