import Foundation
import MXGPCore
import MXGPStore
import MXGPTopology
import Testing
@testable import MXGPNode

/// Regions decided per message, both directions (issue 12, item 4), over loopback: the
/// topologies of `Labs/region-transit.yaml` and `Labs/wont-talk.yaml` as in-process nodes
/// with real peering and SMTP on 127.0.x.y. The same cases run in the simulation
/// (`CountryContractTests`) and as lab scenarios (`Labs/scenarios/region-transit.yaml`,
/// `wont-talk.yaml`).
@Suite(.serialized) struct RegionPerMessageTests {
    /// Starts a `MailLab` of `Labs/<file>`, runs `body` and stops the lab, also when `body` throws.
    static func withLab(_ file: String, localClients: Set<String>, _ body: (MailLab) async throws -> Void) async throws {
        let lab = try await MailLab(try loadLab(file), localClients: localClients)
        do {
            try await lab.start()
            try await body(lab)
        } catch {
            await lab.stop()
            throw error
        }
        await lab.stop()
    }

    /// `node`'s routes for `domain`, best first, as "next hop [refused regions]" (e.g. "strict [DE]").
    static func ranked(_ lab: MailLab, _ node: String, _ domain: String) async -> [String] {
        guard let best = await lab.nodes[node]!.peering.lookup(DomainName(domain)!) else { return [] }
        return ([best] + best.alternates).map { "\($0.nextHop ?? "own") [\($0.refusesRegions.map(\.code).joined(separator: ","))]" }
    }

    /// How many messages `node` refused with 550 5.7.1 for their origin region.
    static func regionRefusals(_ lab: MailLab, _ node: String) -> Int {
        let prefix = #"mxgp_refusals_total{reason="region"} "#
        let line = lab.nodes[node]!.metrics.render().split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int(Double($0.dropFirst(prefix.count)) ?? -1) } ?? 0
    }

    /// Submits one message at `node` as its local client, waits (20 s) until it is in
    /// `address`'s mailbox at `destination` and every relay's queue is empty, and returns the hop
    /// lists of every copy there with this subject (one list when it arrived exactly once),
    /// or nil when the submission was refused.
    static func send(
        _ lab: MailLab, from node: String, to address: String, at destination: String, subject: String
    ) async -> [[String]]? {
        let outcome = await lab.send(
            to: node, from: "x@\(node).example", rcpt: [address], subject: subject, messageID: "\(subject)@\(node).example")
        guard case .delivered = outcome.data else {
            Issue.record("submission of \(subject) at \(node) failed: \(outcome)")
            return nil
        }
        let copies: () async -> [[String]] = {
            ((try? await lab.nodes[destination]!.store.mailbox(address: address)) ?? []).filter { $0.subject == subject }.map(\.hops)
        }
        #expect(await LoopbackNodes.poll(timeout: .seconds(20)) { await !copies().isEmpty }, "\(subject) never reached \(address)")
        let relays = lab.nodes.keys.filter { $0 != destination }
        #expect(await LoopbackNodes.poll(timeout: .seconds(20)) {
            for relay in relays where ((try? await lab.nodes[relay]!.store.queueDepth()) ?? 1) != 0 { return false }
            return true
        }, "a relay still holds \(subject)")
        return await copies()
    }

    /// tus (US) prefers strict, which refuses mail originating in DE. src1's DE mail must not be
    /// forwarded into that refusal: tus takes its next ranked route, open. Nothing is refused.
    @Test func aTransitNodeRelaysRefusedOriginMailAroundTheRefusingNode() async throws {
        try await Self.withLab("region-transit.yaml", localClients: ["src1"]) { lab in
            let converged = await LoopbackNodes.poll(timeout: .seconds(15)) {
                await Self.ranked(lab, "tus", "dst.example") == ["strict [DE]", "open []"]
            }
            let routes = await Self.ranked(lab, "tus", "dst.example")
            #expect(converged, "tus: \(routes)")
            // tus still announces dst to src1 (open takes DE mail), without a refusal.
            #expect(await LoopbackNodes.poll(timeout: .seconds(15)) { await Self.ranked(lab, "src1", "dst.example") == ["tus []"] })
            let hops = await Self.send(lab, from: "src1", to: "dora@dst.example", at: "dst", subject: "de1")
            #expect(hops == [["src1", "tus", "open", "dst"]])
            #expect(Self.regionRefusals(lab, "strict") == 0, "strict refused DE mail with 550 5.7.1")
            #expect(await Self.ranked(lab, "tus", "dst.example").first == "strict [DE]", "the best route stays (decided per message)")
        }
    }

    /// tde is itself in DE and prefers strict. It keeps that route and carries src3's US mail
    /// through strict, while src2's DE mail (same transit, same destination) goes through open.
    @Test func aTransitNodeInARefusedRegionStillCarriesOtherRegionsMail() async throws {
        try await Self.withLab("region-transit.yaml", localClients: ["src2", "src3"]) { lab in
            let converged = await LoopbackNodes.poll(timeout: .seconds(15)) {
                await Self.ranked(lab, "tde", "dst.example") == ["strict [DE]", "open []"]
            }
            let routes = await Self.ranked(lab, "tde", "dst.example")
            #expect(converged, "tde: \(routes)")
            #expect(await LoopbackNodes.poll(timeout: .seconds(15)) {
                let src3 = await Self.ranked(lab, "src3", "dst.example")
                let src2 = await Self.ranked(lab, "src2", "dst.example")
                return src3 == ["tde []"] && src2 == ["tde []"]
            })
            let us = await Self.send(lab, from: "src3", to: "ursula@dst.example", at: "dst", subject: "us")
            #expect(us == [["src3", "tde", "strict", "dst"]])
            let de = await Self.send(lab, from: "src2", to: "dora@dst.example", at: "dst", subject: "de2")
            #expect(de == [["src2", "tde", "open", "dst"]])
            #expect(Self.regionRefusals(lab, "strict") == 0, "strict refused DE mail with 550 5.7.1")
            #expect(((try? await lab.nodes["dst"]!.store.mailbox(address: "dora@dst.example")) ?? []).count == 1)
            #expect(((try? await lab.nodes["dst"]!.store.mailbox(address: "ursula@dst.example")) ?? []).count == 1)
        }
    }

    /// picky (price 1) will not deliver into RU (`refuse-destinations: [RU]`; the registry puts
    /// shop.ru in RU). It announces no route for shop.ru, so colo sends shop.ru mail through
    /// open (price 3), and shop.us mail still through picky.
    @Test func aSenderRoutesAroundANodeThatWillNotDeliverToTheDestinationsCountry() async throws {
        try await Self.withLab("wont-talk.yaml", localClients: ["colo"]) { lab in
            let converged = await LoopbackNodes.poll(timeout: .seconds(15)) {
                let ru = await lab.nodes["colo"]!.peering.lookup(DomainName("shop.ru")!)
                let us = await lab.nodes["colo"]!.peering.lookup(DomainName("shop.us")!)
                return ru?.nextHop == "open" && ru?.path == [200, 64502] && us?.nextHop == "picky" && us?.path == [100, 64503]
                    && us?.alternates.map(\.nextHop) == ["open"]
            }
            let (ruRoutes, usRoutes) = (await Self.ranked(lab, "colo", "shop.ru"), await Self.ranked(lab, "colo", "shop.us"))
            #expect(converged, "colo: shop.ru \(ruRoutes), shop.us \(usRoutes)")
            // picky has shop.ru itself (from shopru) but announces it to no one.
            #expect(await lab.nodes["picky"]!.peering.lookup(DomainName("shop.ru")!)?.nextHop == "shopru")
            #expect(await Self.ranked(lab, "colo", "shop.ru") == ["open []"])
            let ru = await Self.send(lab, from: "colo", to: "ivan@shop.ru", at: "shopru", subject: "ru")
            #expect(ru == [["colo", "open", "shopru"]])
            let us = await Self.send(lab, from: "colo", to: "sam@shop.us", at: "shopus", subject: "us")
            #expect(us == [["colo", "picky", "shopus"]])
            #expect(((try? await lab.nodes["shopus"]!.store.mailbox(address: "ivan@shop.ru")) ?? []).isEmpty)
        }
    }
}
