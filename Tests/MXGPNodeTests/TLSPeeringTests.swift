import Foundation
import MXGPCore
import MXGPPKI
import MXGPTopology
import NIOSSL
import Testing
@testable import MXGPNode

/// Sessions over mutual TLS 1.3 with certificates from `MXGPPKI`.
@Suite(.serialized) struct TLSPeeringTests {
    /// One lab CA; certificates per node (optionally lying about the operator, or from another CA).
    struct LabPKI {
        let ca: CertificateAuthority
        let caPEM: String

        init(name: String = "mxgp test CA") throws {
            let credential = try CertificateAuthority.create(name: name)
            ca = try CertificateAuthority(credential: credential)
            caPEM = credential.certificatePEM
        }

        func tls(node: String, operator number: OperatorNumber, signer: LabPKI? = nil) throws -> PeeringTLS {
            let issuer = signer ?? self
            let leaf = try issuer.ca.issueNodeCertificate(nodeName: node, operator: number, ipAddresses: ["127.0.0.1"])
            return try PeeringTLS.fromPEM(certificate: leaf.certificatePEM, key: leaf.privateKeyPEM, ca: caPEM)
        }
    }

    @Test func threeNodesConvergeOverMutualTLS() async throws {
        let topology = try Topology.parse(yaml: """
            name: tls3
            nodes:
              up: { role: upstream, operator: 100, region: US }
              a: { role: colo, operator: 64501, region: US, domains: [a.example] }
              b: { role: colo, operator: 64502, region: DE, domains: [b.example] }
            links:
              - { a: a, b: up, price: 2 }
              - { a: b, b: up, price: 3 }
            """).topology
        let pki = try LabPKI()
        let nodes = try await LoopbackNodes(topology, tls: { name in try pki.tls(node: name, operator: topology.node(named: name)!.operatorNumber) })
        try await nodes.start()
        let expected = expectedRoutes(topology)
        let converged = await nodes.waitUntil { await liveRoutes(nodes) == expected }
        let peers = await nodes.services["up"]!.peers()
        await nodes.stop()
        #expect(converged)
        #expect(peers.allSatisfy { $0.tls && $0.state == "Established" })
    }

    @Test func aCertificateForAnotherOperatorIsRefused() async throws {
        let topology = try Topology.parse(yaml: "name: liar\nnodes:\n  up: { role: upstream, operator: 100, region: US }\n  c: { role: colo, operator: 64501, region: US, domains: [c.example] }\nlinks:\n  - { a: c, b: up }\n").topology
        let pki = try LabPKI()
        // The colo presents a valid certificate of the lab CA, but for operator 64999.
        let nodes = try await LoopbackNodes(topology, tls: { name in
            try pki.tls(node: name, operator: name == "c" ? 64999 : 100)
        })
        let metrics = NodeMetrics()
        await nodes.services["up"]!.observeMessages { inbound, message in metrics.observe(inbound: inbound, message) }
        try await nodes.start()
        let refused = await nodes.waitUntil(timeout: .seconds(5)) {
            (await nodes.services["c"]!.peers().first?.lastError ?? "").contains("certificate names operator 64999")
        }
        let upPeer = await nodes.services["up"]!.peers().first
        await nodes.stop()
        #expect(refused)
        #expect(upPeer?.state != "Established")
        #expect(await nodes.services["up"]!.lookup(DomainName("c.example")!) == nil)
        // The refusal is counted: an OPEN error NOTIFICATION sent by up.
        #expect(metrics.render().contains("mxgp_notifications_total{direction=\"sent\",code=\"2\",subcode=\"6\"} "), "\(metrics.render())")  // once per attempt: c retries
    }

    @Test func aCertificateFromAnUnknownCAIsRefused() async throws {
        let topology = try Topology.parse(yaml: "name: rogue\nnodes:\n  up: { role: upstream, operator: 100, region: US }\n  c: { role: colo, operator: 64501, region: US, domains: [c.example] }\nlinks:\n  - { a: c, b: up }\n").topology
        let pki = try LabPKI()
        let rogue = try LabPKI(name: "rogue CA")
        // The colo's certificate names the right operator but comes from a CA nobody trusts.
        let nodes = try await LoopbackNodes(topology, tls: { name in
            name == "c" ? try rogue.tls(node: name, operator: 64501).trusting(pki.caPEM) : try pki.tls(node: name, operator: 100)
        })
        try await nodes.start()
        // Wait until the refusal happened (a failed handshake leaves an error on the session)
        // rather than for a fixed time, so a slow machine cannot pass without trying.
        let refused = await LoopbackNodes.poll(timeout: .seconds(10)) {
            let colo = await nodes.services["c"]!.peers().first?.lastError
            let up = await nodes.services["up"]!.peers().first?.lastError
            return colo != nil || up != nil
        }
        let up = await nodes.services["up"]!.peers().first
        let colo = await nodes.services["c"]!.peers().first
        await nodes.stop()
        #expect(refused, "neither session recorded a failure: \(String(describing: colo)), \(String(describing: up))")
        #expect(up?.state != "Established")
        #expect(colo?.state != "Established")
        #expect(await nodes.services["up"]!.lookup(DomainName("c.example")!) == nil)
    }
}

extension PeeringTLS {
    /// The same certificate and key, trusting another CA.
    func trusting(_ caPEM: String) throws -> PeeringTLS {
        var copy = self
        copy.trustRoots = try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8))
        return copy
    }
}
