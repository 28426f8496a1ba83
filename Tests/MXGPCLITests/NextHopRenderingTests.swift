import ArgumentParser
import MXGPAdminAPI
import Testing
@testable import MXGPCLI

/// `mxgp ctl nexthops`, the USABLE column of `mxgp ctl routes DOMAIN` and the NEXT HOPS
/// column of `mxgp lab status`, from fixed JSON and rows.
@Suite struct NextHopRenderingTests {
    static let nexthopsJSON = """
        {"nexthops": [
          {"neighbour": "up1", "state": "penalised", "consecutiveFailures": 2, "lastError": "421 4.3.2 overloaded",
           "lastErrorAt": "2025-01-01T10:00:00Z", "penaltyLeftSeconds": 12, "messagesSent": 41, "bytesSent": 52311,
           "latencyP50Ms": 4.2, "latencyP99Ms": 1830.5, "firstChoiceFor": ["bob.example"]},
          {"neighbour": "up2", "state": "healthy", "consecutiveFailures": 0, "lastError": "connect to 10.0.0.2:25: connection refused",
           "lastErrorAt": "2024-12-31T23:59:59Z", "penaltyLeftSeconds": 0, "messagesSent": 7, "bytesSent": 9000,
           "latencyP50Ms": 3.0, "latencyP99Ms": 9.9, "firstChoiceFor": [".", "carol.example", "dave.example", "erin.example", "frank.example"]},
          {"neighbour": "colo9", "state": "down", "consecutiveFailures": 0, "lastError": null, "lastErrorAt": null,
           "penaltyLeftSeconds": 0, "messagesSent": 0, "bytesSent": 0, "latencyP50Ms": null, "latencyP99Ms": null, "firstChoiceFor": []}
        ]}
        """

    @Test func nexthops() throws {
        try Golden.check(try CtlRendering.nexthops(Self.nexthopsJSON), "ctl-nexthops.txt")
        #expect(try CtlRendering.nexthops(#"{"nexthops": []}"#) == "(no neighbours configured)\n")
        #expect(throws: CLIError.self) { try CtlRendering.nexthops("<html>") }
    }

    /// The JSON the node writes decodes to what it encoded, nulls included.
    @Test func nexthopJSONRoundTrips() throws {
        let body = try AdminJSON.decode(AdminNextHops.self, from: Self.nexthopsJSON)
        let text = try AdminJSON.encode(body)
        #expect(try AdminJSON.decode(AdminNextHops.self, from: text) == body)
        #expect(text.contains(#""lastError" : null"#) && text.contains(#""latencyP50Ms" : null"#))
    }

    static let lookupJSON = """
        {"domain": "bob.example", "matched": "bob.example",
         "route": {"nextHop": "up1", "path": [100, 64502], "price": 3, "localPref": 100, "reason": "price",
           "usability": {"usable": false, "state": "penalised", "penaltyLeftSeconds": 12, "lastError": "421 4.3.2 overloaded"},
           "alternates": [
             {"nextHop": "up2", "path": [200, 2, 1, 100, 64502], "price": 5, "localPref": 100, "reason": "price",
              "usability": {"usable": true, "state": "healthy"}},
             {"nextHop": "up3", "path": [300, 64502], "price": 9, "localPref": 100, "reason": "price",
              "usability": {"usable": false, "state": "down"}}]}}
        """

    @Test func lookupSaysWhichNextHopsTheRelayWouldUse() throws {
        try Golden.check(try CtlRendering.lookup(Self.lookupJSON), "ctl-routes-lookup-usable.txt")
        // Older nodes send no usability: no USABLE column, the table as before.
        #expect(try !CtlRendering.lookup(CtlRenderingTests.lookupJSON).contains("USABLE"))
    }

    @Test(arguments: [
        (nil as AdminRouteUsability?, "-"),
        (AdminRouteUsability(usable: true, state: "healthy"), "yes"),
        (AdminRouteUsability(usable: true, state: "degraded"), "yes: degraded"),
        (AdminRouteUsability(usable: false, state: "penalised", penaltyLeftSeconds: 3, lastError: "timeout\nafter 60 s"), "no: penalised 3s (timeout after 60 s)"),
        (AdminRouteUsability(usable: false, state: "penalised"), "no: penalised"),
        (AdminRouteUsability(usable: false, state: "down"), "no: session down"),
    ])
    func usableCell(usability: AdminRouteUsability?, expected: String) {
        #expect(CtlRendering.usable(usability) == expected)
    }

    @Test(arguments: [(0.04, "0.0ms"), (4.25, "4.2ms"), (999.9, "999.9ms"), (1830.5, "1.83s"), (61000, "61.00s")])
    func latency(ms: Double, expected: String) {
        #expect(CtlRendering.milliseconds(ms) == expected)
    }

    static let status = LabStatus(lab: "quickstart", backend: "netns", converged: false, faults: ["smtp-tempfail up1 100%"], nodes: [
        .init(name: "colo1", role: "colo", process: "running", sessionsUp: 2, sessions: 2, routes: 5, routesAsExpected: true, queue: 3,
              unhealthyNextHops: [
                  .init(neighbour: "up1", state: "penalised", consecutiveFailures: 3, penaltyLeftSeconds: 9, lastError: "421 4.3.2 try later"),
              ]),
        .init(name: "colo2", role: "colo", process: "running", sessionsUp: 1, sessions: 2, routes: 5, routesAsExpected: false, queue: 0,
              unhealthyNextHops: [.init(neighbour: "up2", state: "down", consecutiveFailures: 0, penaltyLeftSeconds: 0, lastError: nil)]),
        .init(name: "up1", role: "upstream", process: "running", sessionsUp: 3, sessions: 3, routes: 5, routesAsExpected: true, queue: 0,
              unhealthyNextHops: []),
        .init(name: "up2", role: "upstream", process: "stopped", sessionsUp: 0, sessions: 3, routes: 0, routesAsExpected: false, queue: nil,
              unhealthyNextHops: nil),
    ])

    @Test func labStatus() throws {
        try Golden.check(LabRendering.status(Self.status), "lab-status.txt")
    }

    @Test func onlyUnhealthyNextHopsAreProblems() {
        let hops = [
            AdminNextHop(neighbour: "a", state: "healthy", consecutiveFailures: 1, lastError: "old"),
            AdminNextHop(neighbour: "b", state: "penalised", consecutiveFailures: 2, lastError: "421", penaltyLeftSeconds: 4),
            AdminNextHop(neighbour: "c", state: "down"),
            AdminNextHop(neighbour: "d", state: "degraded"),
        ]
        #expect(LabStatus.NextHopProblem.unhealthy(hops).map(\.summary) == ["b penalised 4s", "c down", "d degraded"])
    }

    @Test func parsing() throws {
        let command = try #require(try MXGPCommand.parseAsRoot(["ctl", "nexthops", "--json", "--socket", "/tmp/n.sock"]) as? CtlNextHopsCommand)
        #expect(command.options.json)
        try Golden.check(MXGPCommand.helpMessage(for: CtlNextHopsCommand.self, columns: 100) + "\n", "ctl-help-nexthops.txt")
    }
}
