import Foundation
import MXGPAdminAPI
import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPNode

/// `GET /v1/nexthops`, the usability of ranked routes and the `mxgp_nexthop_*` metrics.
@Suite(.serialized) struct NextHopHealthNodeTests {
    static func nexthops(_ client: AdminClient) async throws -> [String: AdminNextHop] {
        let response = try await client.request("GET", AdminPath.nexthops)
        #expect(response.status == 200, "\(response.body)")
        let list = try AdminJSON.decode(AdminNextHops.self, from: response.body).nexthops
        return Dictionary(uniqueKeysWithValues: list.map { ($0.neighbour, $0) })
    }

    /// A fixed node (up1 Established, up2 Active) and a fixed snapshot: up1 penalised.
    @Test func nexthopsFromSessionsPenaltiesAndRoutes() async throws {
        let routes = try AdminAPITests.colo1Routes()
        var snapshot = NextHopSnapshot(now: .seconds(100))
        snapshot.health.failed("up1", error: "421 4.3.2 overloaded", now: .milliseconds(99_500))
        snapshot.stats.failed("up1", error: "421 4.3.2 overloaded", at: 1_735_725_600)
        snapshot.stats.delivered("up1", bytes: 1000, latency: .milliseconds(4))
        snapshot.stats.delivered("up1", bytes: 500, latency: .milliseconds(8))
        try await AdminAPITests.withServer(FakeNode(routes: routes), nextHops: FixedNextHopHealth(snapshot)) { client in
            let raw = try await client.request("GET", AdminPath.nexthops)
            let list = try #require(try AdminAPITests.object(raw)["nexthops"] as? [[String: Any]])
            #expect(list.map { $0["neighbour"] as? String } == ["up1", "up2"], "one entry per configured neighbour")
            #expect(list[1]["lastError"] is NSNull && list[1]["latencyP50Ms"] is NSNull, "explicit nulls")

            let hops = try await Self.nexthops(client)
            let up1 = try #require(hops["up1"])
            #expect(up1.state == "penalised")
            #expect(up1.consecutiveFailures == 1 && up1.penaltyLeftSeconds == 1)  // 1 s from 99.5 s, asked at 100 s: 0.5 s, rounded up
            #expect(up1.lastError == "421 4.3.2 overloaded" && up1.lastErrorAt == "2025-01-01T10:00:00Z")
            #expect(up1.messagesSent == 2 && up1.bytesSent == 1500)
            #expect(up1.latencyP50Ms == 4 && up1.latencyP99Ms == 8)
            #expect(up1.firstChoiceFor == routes.filter { $0.nextHop == "up1" }.map(\.domain.text).sorted())
            #expect(!up1.firstChoiceFor.isEmpty)
            #expect(hops["up2"]?.state == "down")  // its session is Active
            #expect(hops["up2"]?.firstChoiceFor == routes.filter { $0.nextHop == "up2" }.map(\.domain.text).sorted())

            let lookup = try AdminJSON.decode(AdminLookup.self, from: try await client.request("GET", "/v1/routes/bob.example").body)
            #expect(lookup.route.usability == AdminRouteUsability(usable: false, state: "penalised", penaltyLeftSeconds: 1, lastError: "421 4.3.2 overloaded"))
            #expect(lookup.route.alternates?.first?.usability == AdminRouteUsability(usable: false, state: "down"))
            // The table of every route keeps the DESIGN §8 shape: no usability there.
            let all = try AdminJSON.decode(AdminRoutes.self, from: try await client.request("GET", "/v1/routes").body)
            #expect(all.routes.values.allSatisfy { $0.usability == nil })
        }
    }

    /// Without a data plane every neighbour shows its session state and nothing sent.
    @Test func withoutADataPlane() async throws {
        try await AdminAPITests.withServer(FakeNode(routes: [])) { client in
            let hops = try await Self.nexthops(client)
            #expect(hops["up1"] == AdminNextHop(neighbour: "up1", state: "healthy"))
            #expect(hops["up2"] == AdminNextHop(neighbour: "up2", state: "down"))
        }
    }

    /// A node a, multihomed to up1 (best for b.example) and up2. When up1's SMTP server is
    /// gone while its session stays up, up1 becomes penalised with its error, the mail goes
    /// through up2, and `routes b.example` says up1 is not usable now. Once up1 is back (its
    /// server listens again and its session restarts, which clears the penalty), the next
    /// message goes through up1 and it is healthy with the message counted. When up2's session
    /// goes, up2 is down.
    @Test func aNextHopThatFailsIsPenalisedAndOneThatTakesMailIsHealthy() async throws {
        let lab = try await MailLab(
            try Topology.parse(yaml: MailFailoverTests.multihomed).topology, localClients: ["a"], nextHopPenalty: .seconds(60))
        try await lab.start()
        let viaUp1: @Sendable () async -> Bool = {
            let route = await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)
            return route?.nextHop == "up1" && route?.alternates.first?.nextHop == "up2"
        }
        #expect(await LoopbackNodes.poll(viaUp1))
        let a = lab.nodes["a"]!
        let mailbox: @Sendable () async -> Int = { ((try? await lab.nodes["b"]!.store.mailbox(address: "bob@b.example")) ?? []).count }
        try await AdminAPITests.withServer(a.peering, nextHops: a.engine) { client in
            var hops = try await Self.nexthops(client)
            #expect(Set(hops.keys) == ["up1", "up2"])
            #expect(hops["up1"] == AdminNextHop(neighbour: "up1", state: "healthy", firstChoiceFor: hops["up1"]?.firstChoiceFor ?? []))
            #expect(hops["up1"]?.firstChoiceFor.contains("b.example") == true)

            await lab.nodes["up1"]!.mail.stop()  // up1's SMTP server is gone; its MXGP session is not
            _ = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "one", messageID: "h1@a.example")
            #expect(await LoopbackNodes.poll { await mailbox() == 1 })
            #expect(await LoopbackNodes.poll { ((try? await Self.nexthops(client)["up2"]?.messagesSent) ?? 0) > 0 })
            hops = try await Self.nexthops(client)
            let failed = try #require(hops["up1"])
            #expect(failed.state == "penalised")
            #expect(failed.consecutiveFailures >= 1)
            #expect(failed.lastError != nil && failed.lastErrorAt != nil)
            #expect(failed.penaltyLeftSeconds > 0)
            #expect(failed.messagesSent == 0)
            #expect(hops["up2"]?.state == "healthy")

            let lookup = try AdminJSON.decode(AdminLookup.self, from: try await client.request("GET", "/v1/routes/b.example").body)
            #expect(lookup.route.nextHop == "up1" && lookup.route.usability?.usable == false && lookup.route.usability?.state == "penalised")
            #expect(lookup.route.usability?.lastError == failed.lastError)
            #expect(lookup.route.alternates?.first?.usability == AdminRouteUsability(usable: true, state: "healthy"))

            // up1 comes back: its server listens again, its session restarts (its OPEN clears the penalty).
            try await lab.nodes["up1"]!.mail.start()
            try await a.peering.resetSession(neighbour: "up1")
            #expect(await LoopbackNodes.poll { await viaUp1() })
            #expect(await LoopbackNodes.poll { (try? await Self.nexthops(client)["up1"]?.state) == "healthy" })
            _ = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "two", messageID: "h2@a.example")
            #expect(await LoopbackNodes.poll { await mailbox() == 2 })
            #expect(await LoopbackNodes.poll { ((try? await Self.nexthops(client)["up1"]?.messagesSent) ?? 0) > 0 })
            let sent = try #require(try await Self.nexthops(client)["up1"])
            #expect(sent.state == "healthy" && sent.consecutiveFailures == 0 && sent.penaltyLeftSeconds == 0)
            #expect(sent.messagesSent == 1 && sent.bytesSent > 0)
            #expect(sent.latencyP50Ms != nil && sent.latencyP99Ms != nil)
            #expect(sent.lastError == failed.lastError, "the last error is kept after recovery")
            #expect(try await lab.nodes["b"]!.store.mailbox(address: "bob@b.example").map(\.hops) == [["a", "up2", "b"], ["a", "up1", "b"]])

            await lab.nodes["up2"]!.peering.stop()
            #expect(await LoopbackNodes.poll { (try? await Self.nexthops(client)["up2"]?.state) == "down" })
        }
        await lab.stop()
    }

    /// `mxgp_nexthop_state`, `mxgp_nexthop_consecutive_failures` and the per-next-hop latency histogram.
    @Test func metrics() {
        let metrics = NodeMetrics()
        metrics.nextHops([
            AdminNextHop(neighbour: "up1", state: "penalised", consecutiveFailures: 3),
            AdminNextHop(neighbour: "up2", state: "healthy"),
            AdminNextHop(neighbour: "up3", state: "down"),
        ])
        metrics.nextHopLatency("up2", .milliseconds(30))
        metrics.nextHopLatency("up2", .milliseconds(700))
        var text = metrics.render()
        for line in [
            #"mxgp_nexthop_state{neighbour="up1"} 1.0"#, #"mxgp_nexthop_state{neighbour="up2"} 0.0"#, #"mxgp_nexthop_state{neighbour="up3"} 2.0"#,
            #"mxgp_nexthop_consecutive_failures{neighbour="up1"} 3.0"#, #"mxgp_nexthop_consecutive_failures{neighbour="up2"} 0.0"#,
            #"mxgp_nexthop_delivery_latency_seconds_count{neighbour="up2"} 2"#,
            #"mxgp_nexthop_delivery_latency_seconds_bucket{neighbour="up2",le="0.05"} 1"#,
            #"mxgp_nexthop_delivery_latency_seconds_bucket{neighbour="up2",le="1.0"} 2"#,
            "# TYPE mxgp_nexthop_state gauge", "# TYPE mxgp_nexthop_delivery_latency_seconds histogram",
        ] {
            #expect(text.contains(line + "\n"), "missing \(line) in \(text)")
        }
        metrics.nextHops([AdminNextHop(neighbour: "up1", state: "healthy")])  // up2 and up3 removed by a reload
        text = metrics.render()
        #expect(text.contains(#"mxgp_nexthop_state{neighbour="up1"} 0.0"#) && text.contains(#"mxgp_nexthop_consecutive_failures{neighbour="up1"} 0.0"#))
        #expect(!text.contains(#"mxgp_nexthop_state{neighbour="up3"}"#) && !text.contains(#"mxgp_nexthop_consecutive_failures{neighbour="up2"}"#))
    }
}
