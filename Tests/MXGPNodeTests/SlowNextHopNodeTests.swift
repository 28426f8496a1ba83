import Foundation
import Testing
@testable import MXGPAdminAPI
@testable import MXGPCore
@testable import MXGPNode
@testable import MXGPTopology

/// The delivery engine uses `SlowNextHops`: with a limit every real delivery exceeds, three
/// messages through up1 make it degraded, and the fourth goes through up2 while the route
/// stays on up1 (a data-plane preference).
@Suite struct SlowNextHopNodeTests {
    @Test func aSlowNextHopIsAvoidedForNewMail() async throws {
        let lab = try await MailLab(
            try Topology.parse(yaml: MailFailoverTests.multihomed).topology, localClients: ["a"],
            slowNextHops: SlowNextHops(limit: .nanoseconds(1), samples: 3, retryAfter: .seconds(600)))
        try await lab.start()
        let a = lab.nodes["a"]!
        #expect(await LoopbackNodes.poll { await a.peering.lookup(DomainName("b.example")!)?.nextHop == "up1" })
        let mailbox: @Sendable () async -> [[String]] = { ((try? await lab.nodes["b"]!.store.mailbox(address: "bob@b.example")) ?? []).map(\.hops) }
        for i in 1...4 {
            _ = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "m\(i)", messageID: "s\(i)@a.example")
            #expect(await LoopbackNodes.poll { await mailbox().count == i })
        }
        #expect(await mailbox() == [["a", "up1", "b"], ["a", "up1", "b"], ["a", "up1", "b"], ["a", "up2", "b"]])
        #expect(await a.peering.lookup(DomainName("b.example")!)?.nextHop == "up1", "the route does not move")
        try await AdminAPITests.withServer(a.peering, nextHops: a.engine) { client in
            let hops = try await NextHopHealthNodeTests.nexthops(client)
            #expect(hops["up1"]?.state == "degraded")
            #expect(hops["up2"]?.state == "healthy")
        }
        await lab.stop()
    }
}
