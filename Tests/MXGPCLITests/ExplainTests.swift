import Foundation
import MXGPAdminAPI
import Testing
@testable import MXGPCLI

/// The why on screen: `mxgp sim --explain`, cuts named and changes marked, alternates with
/// their losing step, and the same in `mxgp ctl routes DOMAIN`.
@Suite struct ExplainTests {
    static func lab(_ file: String) -> String { Golden.repository.appendingPathComponent("Labs/\(file)").path }

    @Test func explainWalksTheDecisionForOneNode() throws {
        let output = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--explain", "bob.example", "--node", "colo1"]).render()
        try Golden.check(output.text, "sim-explain-quickstart-colo1.txt")
        #expect(output.text.contains("lost on price: 5 vs best 3"))
        #expect(output.text.contains("LOCAL-PREF 100: learned from a provider"))
    }

    @Test func explainShowsRefusedRoutesWithTheirReason() throws {
        let output = try SimRunCommand.parse([Self.lab("hijack-protected.yaml"), "--explain", "bank.example"]).render()
        try Golden.check(output.text, "sim-explain-hijack-protected.txt")
        #expect(output.text.contains("from evil, path 64666: originInvalid — origin validation"))
    }

    @Test func explainShowsARegionRefusal() throws {
        let output = try SimRunCommand.parse([Self.lab("regional.yaml"), "--explain", "dst.example"]).render()
        #expect(output.text.contains("strict refuses mail originating in DE (REGION_POLICY): such mail skips it"), "\(output.text)")
    }

    @Test func explainWithACutMarksWhatChanged() throws {
        let output = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--explain", "bob.example", "--fail-link", "colo1,up1"]).render()
        try Golden.check(output.text, "sim-explain-quickstart-fail-colo1-up1.txt")
        #expect(output.text.contains("cut: colo1–up1"))
        #expect(output.text.contains("without the cut: up1 [100 64502]; now up2 [200 2 1 100 64502] (CHANGED)"))
    }

    @Test func aFailedLinkIsNamedAndChangesAreMarked() throws {
        let output = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--fail-link", "colo1,up1"]).render()
        #expect(output.text.contains("cut: colo1–up1 (down for the whole run)"))
        #expect(output.text.contains("CHANGED (was up1 [100 64502])"))
    }

    @Test func aFailedNodeLosesRoutes() throws {
        let output = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--fail-node", "colo2"]).render()
        #expect(output.text.contains("LOST (was up1 [100 64502])"), "\(output.text)")
    }

    @Test func badExplainArguments() {
        #expect(throws: (any Error).self) { _ = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--node", "colo1"]) }
        #expect { _ = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--explain", "bob.example", "--node", "nope"]).render() } throws: { "\($0)".contains("no such node") }
        #expect { _ = try SimRunCommand.parse([Self.lab("quickstart.yaml"), "--explain", "not a domain"]).render() } throws: { "\($0)".contains("not a domain name") }
    }

    @Test func ctlLookupExplainsEachRank() throws {
        let lookup = AdminLookup(domain: "bob.example", matched: "bob.example", route: AdminRoute(
            nextHop: "up1", path: [100, 64502], price: 3, localPref: 100, reason: "price",
            alternates: [AdminRoute(nextHop: "up2", path: [200, 2, 1, 100, 64502], price: 5, localPref: 100, reason: "price"),
                         AdminRoute(nextHop: "peer1", path: [300, 64502], price: 0, localPref: 100, reason: "localPref")]))
        let text = try CtlRendering.lookup(try AdminJSON.encode(lookup))
        #expect(text.contains("won on price: 3 vs 5"))
        #expect(text.contains("lost on price: 5 vs best 3"))
        #expect(text.contains("PRICE 0: the next hop charges nothing"))
    }

    @Test func ctlLookupNamesRefusedRoutesWithTheirReason() throws {
        let lookup = AdminLookup(domain: "dst.example", matched: "dst.example",
                                 route: AdminRoute(nextHop: "open", path: [200, 64502], price: 5, localPref: 100, reason: "only"),
                                 refused: [AdminRefusedRoute(domain: "dst.example", neighbour: "strict", path: [100, 64502], reason: "otcLeak")])
        let text = try CtlRendering.lookup(try AdminJSON.encode(lookup))
        try Golden.check(text, "ctl-routes-lookup-refused.txt")
        #expect(text.contains("from strict, path 100 64502: otcLeak — a route leak"))
    }
}
