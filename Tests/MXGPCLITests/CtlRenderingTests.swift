import ArgumentParser
import Foundation
import MXGPAdminAPI
import MXGPNode
import MXGPSim
import MXGPTopology
import Testing
@testable import MXGPCLI

/// `mxgp ctl` tables from fixed admin-API JSON, argument parsing, and help.
@Suite struct CtlRenderingTests {
    static let peersJSON = """
        {"peers": [
          {"name": "up1", "operatorNumber": 100, "address": "10.0.0.1:1790", "relationship": "provider", "state": "Established",
           "uptimeSeconds": 754.2, "messagesIn": 120, "messagesOut": 97, "updatesIn": 4, "updatesOut": 2,
           "routesReceived": 2, "routesAccepted": 2, "lastError": null, "tls": true},
          {"name": "up2", "operatorNumber": 200, "address": "10.0.0.2:1790", "relationship": "provider", "state": "Active",
           "uptimeSeconds": null, "messagesIn": 3, "messagesOut": 5, "updatesIn": 0, "updatesOut": 0,
           "routesReceived": 0, "routesAccepted": 0, "lastError": "connect to 10.0.0.2:1790: connection refused", "tls": false},
          {"name": "colo9", "operatorNumber": 64509, "address": "", "relationship": "customer", "state": "Established",
           "uptimeSeconds": 200000, "messagesIn": 1, "messagesOut": 1, "updatesIn": 1, "updatesOut": 1,
           "routesReceived": 3, "routesAccepted": 1, "tls": false}
        ]}
        """

    static let routesJSON = """
        {"routes": {
          "bob.example": {"nextHop": "up1", "path": [100, 64502], "price": 3, "localPref": 100, "reason": "price",
            "alternates": [{"nextHop": "up2", "path": [200, 2, 1, 100, 64502], "price": 5, "localPref": 100, "reason": "price"}]},
          "alice.example": {"nextHop": null, "path": [], "price": 0, "localPref": 1000, "reason": "only-route", "alternates": []},
          ".": {"nextHop": "up2", "path": [200], "price": 5, "localPref": 100, "reason": "only-route", "alternates": []}
        }}
        """

    static let lookupJSON = """
        {"domain": "mail.bob.example", "matched": "bob.example",
         "route": {"nextHop": "up1", "path": [100, 64502], "price": 3, "localPref": 100, "reason": "price",
           "alternates": [{"nextHop": "up2", "path": [200, 2, 1, 100, 64502], "price": 5, "localPref": 100, "reason": "price"},
                          {"nextHop": "up3", "path": [300, 64502], "price": 9, "localPref": 100, "reason": "price"}]}}
        """

    @Test func peers() throws {
        try Golden.check(try CtlRendering.peers(Self.peersJSON), "ctl-peers.txt")
        #expect(try CtlRendering.peers(#"{"peers": []}"#) == "(no neighbours configured)\n")
    }

    @Test func routes() throws {
        try Golden.check(try CtlRendering.routes(Self.routesJSON), "ctl-routes.txt")
        #expect(try CtlRendering.routes(#"{"routes": {}}"#) == "(no routes)\n")
    }

    static let validatedRoutesJSON = """
        {"routes": {
          "bob.example": {"nextHop": "up1", "path": [100, 64502], "price": 3, "localPref": 100, "reason": "only", "validation": "valid",
            "alternates": []},
          "carol.example": {"nextHop": "up1", "path": [100, 64503], "price": 3, "localPref": 100, "reason": "only", "validation": "notFound"},
          "alice.example": {"nextHop": null, "path": [], "price": 0, "localPref": 1000, "reason": "own", "validation": "valid"}
        },
        "originInvalid": [{"domain": "bob.example", "neighbour": "evil", "path": [666]}]}
        """

    @Test func routesWithOriginValidation() throws {
        try Golden.check(try CtlRendering.routes(Self.validatedRoutesJSON), "ctl-routes-validated.txt")
        let lookup = #"{"domain": "bob.example", "matched": "bob.example", "route": {"nextHop": "up1", "path": [100, 64502], "price": 3, "localPref": 100, "reason": "only", "validation": "valid"}}"#
        #expect(try CtlRendering.lookup(lookup).contains("ORIGIN"))
        #expect(try !CtlRendering.routes(Self.routesJSON).contains("ORIGIN"))
    }

    @Test func lookup() throws {
        try Golden.check(try CtlRendering.lookup(Self.lookupJSON), "ctl-routes-lookup.txt")
        let exact = #"{"domain": "bob.example", "matched": "bob.example", "route": {"nextHop": "up1", "path": [100], "price": 3, "localPref": 100, "reason": "only-route"}}"#
        #expect(try CtlRendering.lookup(exact).hasPrefix("bob.example\nRANK"))
        let viaDefault = #"{"domain": "x.test", "matched": ".", "route": {"nextHop": "up1", "path": [100], "price": 3, "localPref": 100, "reason": "only-route"}}"#
        #expect(try CtlRendering.lookup(viaDefault).hasPrefix("x.test: the default route (.)\n"))
    }

    /// up1 drains (PROTOCOL §5.9): carol.example moved to up2 on the drain step; bob.example has
    /// only routes that cross up1, both marked, and price decides as usual.
    static let drainingRoutesJSON = """
        {"routes": {
          "carol.example": {"nextHop": "up2", "path": [200, 64503], "price": 5, "localPref": 100, "reason": "notDraining",
            "alternates": [{"nextHop": "up1", "path": [100, 1, 2, 200, 64503], "price": 3, "localPref": 100, "reason": "notDraining", "draining": true}]},
          "bob.example": {"nextHop": "up1", "path": [100, 64502], "price": 3, "localPref": 100, "reason": "price", "draining": true,
            "alternates": [{"nextHop": "up2", "path": [200, 2, 1, 100, 64502], "price": 5, "localPref": 100, "reason": "price", "draining": true}]}
        }}
        """

    @Test func drainingRoutes() throws {
        try Golden.check(try CtlRendering.routes(Self.drainingRoutesJSON), "ctl-routes-draining.txt")
        let lookup = """
            {"domain": "carol.example", "matched": "carol.example",
             "route": {"nextHop": "up2", "path": [200, 64503], "price": 5, "localPref": 100, "reason": "notDraining",
               "alternates": [{"nextHop": "up1", "path": [100, 1, 2, 200, 64503], "price": 3, "localPref": 100, "reason": "notDraining", "draining": true}]}}
            """
        try Golden.check(try CtlRendering.lookup(lookup), "ctl-routes-lookup-draining.txt")
        // Without the mark the key is absent, so older bodies and goldens are unchanged.
        let plain = AdminRoute(nextHop: "up1", path: [100], price: 3, localPref: 100, reason: "only")
        #expect(try !AdminJSON.encode(plain).contains("draining"))
        let marked = AdminRoute(nextHop: "up1", path: [100], price: 3, localPref: 100, reason: "only", draining: true)
        #expect(try AdminJSON.decode(AdminRoute.self, from: AdminJSON.encode(marked)) == marked)
    }

    @Test func dataPlaneNotThereYet() throws {
        let reason = "the mail data plane has not landed yet"
        let text = try CtlRendering.queue(#"{"available": false, "reason": "\#(reason)", "queue": []}"#)
            + CtlRendering.mailbox(#"{"address": "bob@bob.example", "available": false, "reason": "\#(reason)", "messages": []}"#)
            + CtlRendering.ledger(#"{"available": false, "reason": "\#(reason)", "ledger": []}"#)
        try Golden.check(text, "ctl-data-plane.txt")
    }

    @Test func mailboxAndLedgerTables() throws {
        let mailbox = """
            {"address": "bob@bob.example", "available": true, "messages": [
              {"messageId": "<1@alice.example>", "from": "alice@alice.example", "to": "bob@bob.example", "subject": "hello",
               "receivedAt": "2025-01-01T10:00:00Z", "hops": ["colo1", "up1", "colo2"]}]}
            """
        let ledger = """
            {"available": true, "ledger": [{"neighbour": "up1", "messagesIn": 3, "messagesOut": 10, "bytesIn": 3000,
             "bytesOut": 12000, "owed": 30, "earned": 0, "chargebacks": 25, "complaints": 1}]}
            """
        try Golden.check(try CtlRendering.mailbox(mailbox) + CtlRendering.ledger(ledger), "ctl-mailbox-ledger.txt")
    }

    @Test func badJSONIsAClearError() {
        #expect(throws: CLIError.self) { try CtlRendering.peers("<html>") }
    }

    @Test func uptime() {
        #expect(CtlRendering.uptime(0) == "0s")
        #expect(CtlRendering.uptime(59.9) == "59s")
        #expect(CtlRendering.uptime(754) == "12m34s")
        #expect(CtlRendering.uptime(3 * 3600 + 4 * 60) == "3h04m")
        #expect(CtlRendering.uptime(2 * 86_400 + 3 * 3600) == "2d03h")
    }

    /// The node's `AdminRoute` and the CLI's `RouteJSON` (DESIGN §8) print the same JSON.
    @Test func adminRoutesMatchTheDesignShape() throws {
        let path = Golden.repository.appendingPathComponent("Labs/quickstart.yaml").path
        let result = Simulation(topology: try TopologyParser.load(path: path).topology).run()
        for (_, routes) in result.nodes {
            for route in routes {
                #expect(try JSONOutput.render(RouteJSON(route, includeAlternates: true)) + "\n" == (try AdminJSON.encode(AdminRoute(route))))
            }
        }
        let colo1 = try #require(result.routes(of: "colo1"))
        let json = try AdminJSON.encode(AdminRoutes(routes: Dictionary(uniqueKeysWithValues: colo1.map { ($0.domain.text, AdminRoute($0)) })))
        #expect(try CtlRendering.routes(json) == RouteRendering.table(colo1))
    }

    @Test func parsing() throws {
        let before = try MXGPCommand.parseAsRoot(["ctl", "--socket", "/tmp/n.sock", "peers"])
        let peers = try #require(before as? CtlPeersCommand)
        #expect(peers.options.endpoint() == .unixSocket(path: "/tmp/n.sock"))
        let after = try #require(try MXGPCommand.parseAsRoot(["ctl", "routes", "bob.example", "--json", "--url", "http://127.0.0.1:8790"]) as? CtlRoutesCommand)
        #expect(after.options.json && after.domain == "bob.example")
        #expect(after.options.endpoint() == .tcp(host: "127.0.0.1", port: 8790))
        let plain = try #require(try MXGPCommand.parseAsRoot(["ctl", "ledger"]) as? CtlLedgerCommand)
        #expect(plain.options.endpoint(environment: ["MXGP_SOCKET": "/srv/a.sock"]) == .unixSocket(path: "/srv/a.sock"))
        #expect(plain.options.endpoint(environment: [:]) == .unixSocket(path: "/run/mxgp/node.sock"))
        #expect(throws: (any Error).self) { try MXGPCommand.parseAsRoot(["ctl", "--socket", "/a", "--url", "http://h:1", "peers"]) }
        #expect(throws: (any Error).self) { try MXGPCommand.parseAsRoot(["ctl", "routes", "not a domain"]) }
        #expect(throws: (any Error).self) { try MXGPCommand.parseAsRoot(["ctl", "mailbox", "nobody"]) }
        #expect(AdminPath.segment("bob@bob.example") == "bob@bob.example")
        #expect(AdminPath.segment("a/b c") == "a%2Fb%20c")
    }

    @Test func unreachableMessage() {
        let text = CtlRequest.message(.unreachable(.unixSocket(path: "/run/mxgp/node.sock"), "no socket file"), endpoint: .unixSocket(path: "/run/mxgp/node.sock"))
        #expect(text == "no node answers on /run/mxgp/node.sock (no socket file): is `mxgp node` running? use --socket PATH (or set MXGP_SOCKET)")
    }

    static let helpCases: [(name: String, command: ParsableCommand.Type)] = [
        ("ctl-help.txt", CtlCommand.self),
        ("ctl-help-peers.txt", CtlPeersCommand.self),
        ("ctl-help-routes.txt", CtlRoutesCommand.self),
        ("ctl-help-queue.txt", CtlQueueCommand.self),
        ("ctl-help-mailbox.txt", CtlMailboxCommand.self),
        ("ctl-help-ledger.txt", CtlLedgerCommand.self),
        ("ctl-help-api.txt", CtlAPICommand.self),
    ]

    @Test(arguments: helpCases.map(\.name))
    func help(name: String) throws {
        let command = Self.helpCases.first { $0.name == name }!.command
        try Golden.check(MXGPCommand.helpMessage(for: command, columns: 100) + "\n", name)
    }
}
