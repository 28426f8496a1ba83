import Foundation
import MXGPCore
import MXGPSMTP
import MXGPStore
import MXGPTopology
import Testing
@testable import MXGPNode

/// Contracts enforced in the data plane (rate limit, maximum size), region refusal, the
/// ledger adding up, and spam complaints travelling back hop by hop (DESIGN §4).
@Suite(.serialized) struct ContractTests {
    /// a and b are colos with two providers each; up1 is preferred (lower operator number).
    static func twoProviders(up1Link: String = "", up1: String = "") -> String {
        """
        name: two
        nodes:
          up1: { role: upstream, operator: 100, region: US\(up1) }
          up2: { role: upstream, operator: 200, region: US }
          a: { role: colo, operator: 64501, region: DE, domains: [a.example] }
          b: { role: colo, operator: 64502, region: US, domains: [b.example] }
        links:
          - { a: a, b: up1\(up1Link) }
          - { a: a, b: up2 }
          - { a: b, b: up1 }
          - { a: b, b: up2 }
        """
    }

    static func start(_ yaml: String) async throws -> MailLab {
        let lab = try await MailLab(try Topology.parse(yaml: yaml).topology, localClients: ["a"])
        try await lab.start()
        return lab
    }

    static func mailbox(_ lab: MailLab, _ node: String, _ address: String) async -> [MailboxMessage] {
        (try? await lab.nodes[node]!.store.mailbox(address: address)) ?? []
    }

    static func ledger(_ lab: MailLab, _ node: String, _ neighbour: String) async -> LedgerEntry? {
        (try? await lab.nodes[node]!.store.ledger())?.first { $0.neighbour == neighbour }
    }

    @Test func overTheRateLimitTheNeighbourGets421AndMailFailsOver() async throws {
        let lab = try await Self.start(Self.twoProviders(up1Link: ", rate-limit: 2"))
        defer { Task { await lab.stop() } }
        #expect(await LoopbackNodes.poll {
            let route = await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)
            return route?.nextHop == "up1" && route?.alternates.count == 1
        })
        for n in 1...5 {
            let outcome = await lab.send(to: "a", from: "x@a.example", rcpt: ["bob@b.example"], subject: "rate \(n)", messageID: "rate\(n)@a.example")
            guard case .delivered = outcome.data else { Issue.record("submission \(n) failed: \(outcome)"); break }
        }
        #expect(await LoopbackNodes.poll { await Self.mailbox(lab, "b", "bob@b.example").count == 5 })
        let hops = await Self.mailbox(lab, "b", "bob@b.example").map(\.hops)
        #expect(hops.filter { $0 == ["a", "up1", "b"] }.count == 2, "two within up1's limit: \(hops)")
        #expect(hops.filter { $0 == ["a", "up2", "b"] }.count == 3, "the rest failed over to up2: \(hops)")
        #expect(lab.nodes["up1"]!.metrics.render().contains(#"mxgp_refusals_total{reason="rate-limit"}"#))
        #expect(!lab.nodes["up1"]!.metrics.render().contains(#"mxgp_refusals_total{reason="rate-limit"} 0"#))
        await lab.stop()
    }

    @Test func overTheMaximumSizeTheNeighbourGets552AndMailFailsOver() async throws {
        let lab = try await Self.start(Self.twoProviders(up1Link: ", max-size: 2000"))
        defer { Task { await lab.stop() } }
        #expect(await LoopbackNodes.poll { await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)?.alternates.count == 1 })
        let small = await lab.send(to: "a", from: "x@a.example", rcpt: ["bob@b.example"], subject: "small", messageID: "small@a.example")
        let big = await lab.send(to: "a", from: "x@a.example", rcpt: ["bob@b.example"], subject: "big", messageID: "big@a.example", padding: 5000)
        guard case .delivered = small.data, case .delivered = big.data else { Issue.record("submission failed: \(small) \(big)"); return }
        #expect(await LoopbackNodes.poll { await Self.mailbox(lab, "b", "bob@b.example").count == 2 })
        let bySubject = Dictionary(await Self.mailbox(lab, "b", "bob@b.example").map { ($0.subject, $0.hops) }) { a, _ in a }
        #expect(bySubject["small"] == ["a", "up1", "b"])
        #expect(bySubject["big"] == ["a", "up2", "b"])
        #expect(!lab.nodes["up1"]!.metrics.render().contains(#"mxgp_refusals_total{reason="max-size"} 0"#))
        // Straight to up1 as a: the actual size is checked too (the client sends no SIZE here).
        let direct = await lab.send(
            to: "up1", from: "x@a.example", rcpt: ["bob@b.example"], subject: "direct", messageID: "direct@a.example",
            sourceHost: lab.nodes["a"]!.host, padding: 5000)
        #expect(direct.recipients.allSatisfy { if case .bounced(let reply) = $0.status { reply.code == 552 } else { false } }
                || { if case .bounced(let reply) = direct.data { return reply.code == 552 } else { return false } }(),
                "expected 552 5.3.4, got \(direct)")
        await lab.stop()
    }

    @Test func aRefusedRegionIsRoutedAroundAndRefusedWith550() async throws {
        let lab = try await Self.start(Self.twoProviders(up1: ", refuse-regions: [DE]"))
        defer { Task { await lab.stop() } }
        // a is in DE: up1's routes carry REGION_POLICY [DE]. The route stays (decided per message),
        // but a's own mail, which originates in DE, skips it for the next alternate, up2.
        #expect(await LoopbackNodes.poll {
            let route = await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)
            let ranked = route.map { [$0] + $0.alternates } ?? []
            return ranked.count == 2 && ranked.first { $0.nextHop == "up1" }?.refusesRegions == [Region("DE")!]
                && ranked.first { $0.nextHop == "up2" }?.refusesRegions == []
        })
        let outcome = await lab.send(to: "a", from: "x@a.example", rcpt: ["bob@b.example"], subject: "de", messageID: "de@a.example")
        guard case .delivered = outcome.data else { Issue.record("submission failed: \(outcome)"); return }
        #expect(await LoopbackNodes.poll { await Self.mailbox(lab, "b", "bob@b.example").count == 1 })
        #expect(await Self.mailbox(lab, "b", "bob@b.example").first?.hops == ["a", "up2", "b"])
        // Mail that originated in DE, handed to up1 anyway (here by b, a neighbour): 550 5.7.1.
        let forced = await lab.send(
            to: "up1", from: "x@a.example", rcpt: ["ann@a.example"], subject: "forced", messageID: "forced@a.example",
            sourceHost: lab.nodes["b"]!.host, extraHeaders: "MXGP-Origin-Region: DE\r\n")
        guard case .bounced(let reply) = forced.data else { Issue.record("expected 550 5.7.1, got \(forced)"); return }
        #expect(reply.code == 550 && reply.enhancedCode == SMTPEnhancedStatusCode(5, 7, 1))
        #expect(!lab.nodes["up1"]!.metrics.render().contains(#"mxgp_refusals_total{reason="region"} 0"#))
        await lab.stop()
    }

    /// a > up1 > up2 > b: three relay hops after a, every link with a price and a chargeback.
    static let threeHops = """
        name: three
        nodes:
          up1: { role: upstream, operator: 100, region: US }
          up2: { role: upstream, operator: 200, region: US }
          a: { role: colo, operator: 64501, region: US, domains: [a.example] }
          b: { role: colo, operator: 64502, region: US, domains: [b.example] }
        links:
          - { a: a, b: up1, price: 3, chargeback: 7 }
          - { a: up1, b: up2, relationship: customer, price: 2, chargeback: 5 }
          - { a: b, b: up2, price: 4, chargeback: 11 }
        """

    @Test func theLedgerAddsUpAndAComplaintIsChargedBackAtEveryHop() async throws {
        let lab = try await MailLab(try Topology.parse(yaml: Self.threeHops).topology, localClients: ["a"])
        try await lab.start()
        defer { Task { await lab.stop() } }
        #expect(await LoopbackNodes.poll { await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)?.path == [100, 200, 64502] })
        for n in 1...4 {
            let outcome = await lab.send(to: "a", from: "x@a.example", rcpt: ["bob@b.example"], subject: "m\(n)", messageID: "m\(n)@a.example")
            guard case .delivered = outcome.data else { Issue.record("submission \(n) failed: \(outcome)"); return }
        }
        #expect(await LoopbackNodes.poll { await Self.mailbox(lab, "b", "bob@b.example").count == 4 })
        #expect(await LoopbackNodes.poll { ((try? await lab.nodes["up2"]!.store.queueDepth()) ?? 1) == 0 })
        // What each node says it owes equals what its neighbour says it earned.
        for (payer, payee, price) in [("a", "up1", 3), ("up1", "up2", 2)] {
            let owed = await Self.ledger(lab, payer, payee)
            let earned = await Self.ledger(lab, payee, payer)
            #expect(owed?.owed == 4 * price && earned?.earned == 4 * price, "\(payer)→\(payee): \(String(describing: owed)) / \(String(describing: earned))")
            #expect(owed?.messagesOut == earned?.messagesIn)
        }
        #expect(await Self.ledger(lab, "up2", "b")?.messagesOut == 4)
        #expect(await Self.ledger(lab, "b", "up2")?.earned == 0)  // b is up2's customer: it pays for what it sends, not for what it gets

        // The complaint at b goes back b > up2 > up1 > a; each hop charges the one before it.
        let outcome = try await lab.nodes["b"]!.complaints.file(messageID: "<m2@a.example>")
        #expect(outcome.path == [64501, 100, 200, 64502])
        #expect(outcome.bookedAgainst == "up2" && outcome.amount == 11 && outcome.forwardedTo == "up2")
        #expect(await LoopbackNodes.poll {
            let b = await Self.ledger(lab, "b", "up2")?.chargebacks
            let up2 = await Self.ledger(lab, "up2", "up1")?.chargebacks
            let up1 = await Self.ledger(lab, "up1", "a")?.chargebacks
            return b == 11 && up2 == 5 && up1 == 7
        })
        for (node, neighbour) in [("b", "up2"), ("up2", "up1"), ("up1", "a")] {
            #expect(await Self.ledger(lab, node, neighbour)?.complaints == 1, "\(node) against \(neighbour)")
        }
        #expect(await Self.ledger(lab, "a", "up1")?.chargebacks == 0)
        // And what each hop owes the one after it (payable) equals what that one booked against
        // it (receivable), on every link of the path; the sender, a, owes 7 and nothing is receivable to it.
        for (node, neighbour) in [("up2", "b"), ("up1", "up2"), ("a", "up1")] {
            #expect(await LoopbackNodes.poll {
                let payable = await Self.ledger(lab, node, neighbour)
                let receivable = await Self.ledger(lab, neighbour, node)
                return payable?.chargebacksPayable == receivable?.chargebacks && payable?.complaintsPayable == 1
            }, "\(node) owes \(neighbour)")
        }
        #expect(await Self.ledger(lab, "a", "up1")?.chargebacksPayable == 7)
        #expect(lab.nodes["up1"]!.metrics.render().contains(#"mxgp_complaints_total{event="forwarded"} 1"#))
        #expect(lab.nodes["a"]!.metrics.render().contains(#"mxgp_complaints_total{event="received"} 1"#))
        // The same complaint again books nothing twice.
        let again = try await lab.nodes["b"]!.complaints.file(messageID: "m2@a.example")
        #expect(again.bookedAgainst == nil && again.stopped != nil)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.ledger(lab, "up1", "a")?.chargebacks == 7)
        // A message no mailbox holds cannot be complained about.
        await #expect(throws: ComplaintDesk.FilingError.self) { try await lab.nodes["b"]!.complaints.file(messageID: "nope@a.example") }
        await lab.stop()
    }

    @Test func aReportFromANeighbourNotOnThePathIsDropped() async throws {
        let lab = try await MailLab(try Topology.parse(yaml: Self.threeHops).topology, localClients: ["a"])
        try await lab.start()
        let forged = ReportMessage(messageID: "never@a.example", reporter: 64502, path: [64501, 100, 200, 64502], reason: "spam")
        let outcome = await lab.nodes["up1"]!.complaints.handle(forged, from: "a")  // a is before up1, not after it
        #expect(outcome.bookedAgainst == nil && outcome.stopped != nil)
        let notCarried = await lab.nodes["up1"]!.complaints.handle(forged, from: "up2")
        #expect(notCarried.bookedAgainst == nil && notCarried.stopped?.contains("no record") == true)
        await lab.stop()
    }
}
