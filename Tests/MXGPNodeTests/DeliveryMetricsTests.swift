import Foundation
import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPNode

@Suite(.serialized) struct DeliveryMetricsTests {
    /// The value of the sample line `name` (`name value`) in a Prometheus text exposition.
    static func sample(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    /// A message relayed a → up → b shows up in `mxgp_delivery_latency_seconds` of every
    /// hop, served at `/metrics`: a and up on the next hop's 250, b on the mailbox commit.
    @Test func deliveredMailIsInTheLatencyHistogram() async throws {
        let lab = try await MailLab(try Topology.parse(yaml: MailPlaneTests.chain).topology, localClients: ["a"])
        try await lab.start()
        #expect(await LoopbackNodes.poll { await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)?.nextHop == "up" })
        let outcome = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "timed", messageID: "lat1@a.example")
        if case .delivered = outcome.data {} else { Issue.record("submission failed: \(outcome)") }
        for name in ["a", "up", "b"] {
            // Recorded right after the hop's store noted the delivery: wait for it.
            let recorded = await LoopbackNodes.poll {
                Self.sample("mxgp_delivery_latency_seconds_count", in: lab.nodes[name]!.metrics.render()) == 1
            }
            #expect(recorded, "\(name) recorded no delivery latency")
            try await AdminAPITests.withServer(FakeNode(routes: []), metrics: lab.nodes[name]!.metrics) { client in
                let text = try await client.request("GET", "/metrics").body
                #expect(text.contains("# TYPE mxgp_delivery_latency_seconds histogram"), "\(name)")
                #expect(Self.sample("mxgp_delivery_latency_seconds_count", in: text) == 1, "\(name): \(text)")
                #expect(text.contains(#"mxgp_delivery_latency_seconds_bucket{le="+Inf"} 1"#), "\(name)")
                #expect(text.contains(#"mxgp_delivery_latency_seconds_bucket{le="0.005"}"#), "\(name)")
                #expect(text.contains(#"mxgp_delivery_latency_seconds_bucket{le="60.0"} 1"#), "\(name): \(text)")
                let sum = try #require(Self.sample("mxgp_delivery_latency_seconds_sum", in: text))
                #expect(sum >= 0 && sum < 15, "\(name): \(sum) s")
            }
        }
        await lab.stop()
    }

    @Test func latencyIsMeasuredFromAcceptance() {
        let metrics = NodeMetrics()
        let accepted = Date(timeIntervalSince1970: 1_000)
        metrics.deliveryLatency(acceptedAt: accepted, deliveredAt: accepted.addingTimeInterval(0.3))
        metrics.deliveryLatency(acceptedAt: accepted, deliveredAt: accepted.addingTimeInterval(-1))  // clock stepped back
        let text = metrics.render()
        #expect(Self.sample("mxgp_delivery_latency_seconds_count", in: text) == 2)
        let sum = Self.sample("mxgp_delivery_latency_seconds_sum", in: text) ?? -1
        #expect(abs(sum - 0.3) < 0.001, "\(sum)")
        #expect(text.contains(#"mxgp_delivery_latency_seconds_bucket{le="0.25"} 1"#), "\(text)")
        #expect(text.contains(#"mxgp_delivery_latency_seconds_bucket{le="0.5"} 2"#), "\(text)")
    }
}
