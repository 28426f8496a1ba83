import Foundation
import MXGPAdminAPI
import MXGPCore
import Testing
@testable import MXGPNode

#if canImport(Glibc)
import Glibc
#endif

/// The real `mxgp node` binary as child processes, over real sockets on loopback, distinct
/// ports; nothing else. Build it first (`swift build --product mxgp`) or set MXGP_BINARY.
/// Every wait is bounded (15 s at most); every process is killed and every file removed
/// when a test ends, also when it fails.
@Suite(.serialized) struct NodeProcessTests {
    /// up (upstream 100) with two customers, colo1 (one.example) and colo2 (two.example).
    static func star(fastLiveness: String? = nil) -> [ProcNode] {
        [
            ProcNode(name: "up", operatorNumber: 100, role: "upstream",
                     neighbours: [ProcNeighbour(name: "colo1", relationship: "customer"), ProcNeighbour(name: "colo2", relationship: "customer")],
                     fastLiveness: fastLiveness),
            ProcNode(name: "colo1", operatorNumber: 64501, role: "colo", domains: ["one.example"],
                     neighbours: [ProcNeighbour(name: "up")], fastLiveness: fastLiveness),
            ProcNode(name: "colo2", operatorNumber: 64502, role: "colo", domains: ["two.example"],
                     neighbours: [ProcNeighbour(name: "up")], fastLiveness: fastLiveness),
        ]
    }

    /// True when every node has a route to both colo domains.
    static func starConverged(_ lab: NodeProcessLab) async -> Bool {
        for name in ["up", "colo1", "colo2"] {
            guard let routes = await lab.routes(name), routes["one.example"] != nil, routes["two.example"] != nil else { return false }
        }
        return true
    }

    @Test func threeNodesConvergeAndSIGKILLedNodesRoutesAreWithdrawnWithinTheHoldTime() async throws {
        let lab = try await NodeProcessLab(Self.star())
        defer { lab.shutdown() }
        try lab.startAll()
        try #require(await lab.waitUntil { await Self.starConverged(lab) }, "the three nodes did not converge in 15 s:\n\(lab.logs())")

        let up = try #require(await lab.routes("up"))
        #expect(up["one.example"]?.nextHop == "colo1")
        #expect(up["one.example"]?.path == [64501])
        let colo2 = try #require(await lab.routes("colo2"))
        #expect(colo2["one.example"]?.nextHop == "up")
        #expect(colo2["one.example"]?.path == [100, 64501])
        #expect(await lab.peers("up")?.map(\.state) == ["Established", "Established"])

        // `mxgp ctl routes --json` prints the same table the API serves.
        let ctl = try await lab.ctl("colo2", ["routes", "--json"])
        #expect(ctl.status == 0)
        let printed = try AdminJSON.decode(AdminRoutes.self, from: ctl.output).routes
        #expect(printed["one.example"]?.path == [100, 64501])
        #expect(printed["two.example"]?.nextHop == nil)

        // SIGKILL: no cease is sent, but the kernel closes colo1's sockets, so up usually
        // sees the connection close at once rather than waiting for its hold timer (3 s).
        // Either way the routes must be gone within the hold time (plus polling slack).
        let start = ContinuousClock.now
        lab.signal("colo1", SIGKILL)
        let withdrawnAtUp = await lab.secondsUntil(from: start) { await lab.routes("up").map { $0["one.example"] == nil } ?? false }
        let withdrawnAtColo2 = await lab.secondsUntil(from: start) { await lab.routes("colo2").map { $0["one.example"] == nil } ?? false }
        let up1 = try #require(withdrawnAtUp, "up kept colo1's route for 15 s:\n\(lab.logs())")
        let colo21 = try #require(withdrawnAtColo2, "colo2 kept colo1's route for 15 s:\n\(lab.logs())")
        print("SIGKILL colo1: up withdrew one.example after \(up1) s, colo2 after \(colo21) s")
        #expect(up1 < 3.5)
        #expect(colo21 < 3.5)
        // The other session is untouched.
        #expect(await lab.peer("up", "colo1")?.state != "Established")
        #expect(await lab.peer("up", "colo2")?.state == "Established")
        #expect(await lab.routes("colo2")?["two.example"] != nil)
        #expect(await lab.routes("up")?["two.example"]?.nextHop == "colo2")
    }

    /// SIGSTOP makes a silent peer: its sockets stay open and the kernel still acknowledges
    /// what is sent to it, so only a liveness timer can notice.
    func silentPeerIsDetected(fastLiveness: String?) async throws -> Double {
        let lab = try await NodeProcessLab(Self.star(fastLiveness: fastLiveness))
        defer { lab.shutdown() }
        try lab.startAll()
        try #require(await lab.waitUntil { await Self.starConverged(lab) }, "the three nodes did not converge in 15 s:\n\(lab.logs())")
        let colo1 = try #require(lab.process("colo1"))

        let start = ContinuousClock.now
        colo1.send(SIGSTOP)
        defer { colo1.kill() }
        let seconds = try #require(
            await lab.secondsUntil(from: start, poll: .milliseconds(20)) { await lab.routes("up").map { $0["one.example"] == nil } ?? false },
            "up kept the stopped colo1's route for 15 s:\n\(lab.logs())")
        let peer = await lab.peer("up", "colo1")
        #expect(peer?.state != "Established")
        #expect(peer?.lastError?.contains("hold timer expired") == true, "lastError: \(peer?.lastError ?? "nil")")
        #expect(await lab.peer("up", "colo2")?.state == "Established")

        // Woken up, colo1 finds its session gone, reconnects, and its route comes back.
        colo1.send(SIGCONT)
        #expect(await lab.waitUntil { await lab.routes("up")?["one.example"]?.nextHop == "colo1" }, "colo1 did not come back after SIGCONT:\n\(lab.logs())")
        return seconds
    }

    @Test func aSilentPeerIsWithdrawnAfterTheHoldTime() async throws {
        let seconds = try await silentPeerIsDetected(fastLiveness: nil)
        print("SIGSTOP colo1, lab hold time 3 s: up withdrew one.example after \(seconds) s")
        // The hold timer runs from the last message received; keepalives come every second,
        // so expiry falls 2…3 s after the stop (plus scheduling and polling slack).
        #expect(seconds >= 2 && seconds <= 4.5, "withdrawn after \(seconds) s")
    }

    @Test func aSilentPeerIsWithdrawnWithinOneSecondWithFastLiveness() async throws {
        let seconds = try await silentPeerIsDetected(fastLiveness: "200ms")
        print("SIGSTOP colo1, fast liveness 200 ms: up withdrew one.example after \(seconds) s")
        // Well inside the 2…3 s the hold timer alone takes (above); about 0.6 s on an idle
        // machine, up to 1.3 s seen when the whole suite loads both cores.
        #expect(seconds < 2, "withdrawn after \(seconds) s")
    }

    @Test func sighupAddsANeighbourAndChangesPolicyWithoutResettingTheOtherSession() async throws {
        // colo2 waits for up (passive); up does not know colo2 until the reload.
        let nodes = [
            ProcNode(name: "up", operatorNumber: 100, role: "upstream", neighbours: [ProcNeighbour(name: "colo1", relationship: "customer")]),
            ProcNode(name: "colo1", operatorNumber: 64501, role: "colo", domains: ["b.example", "shared.example"], neighbours: [ProcNeighbour(name: "up")]),
            ProcNode(name: "colo2", operatorNumber: 64502, role: "colo", domains: ["c.example", "shared.example"], neighbours: [ProcNeighbour(name: "up", passive: true)]),
        ]
        let lab = try await NodeProcessLab(nodes)
        defer { lab.shutdown() }
        try lab.startAll()
        try #require(await lab.waitUntil {
            guard let routes = await lab.routes("up"), await lab.peer("colo1", "up")?.state == "Established" else { return false }
            return routes["b.example"] != nil && routes["shared.example"] != nil
        },
                     "up did not learn colo1's routes:\n\(lab.logs())")
        let before = try #require(await lab.routes("up"))
        #expect(before["shared.example"]?.nextHop == "colo1")
        #expect(before["c.example"] == nil)
        let colo1Before = try #require(await lab.peer("up", "colo1"))
        let upSeenByColo1Before = try #require(await lab.peer("colo1", "up"))
        let reloadedAt = ContinuousClock.now

        var up = nodes[0]
        up.neighbours.append(ProcNeighbour(name: "colo2", relationship: "customer"))
        up.policy = """
                import:
                  - match: { neighbour: colo1, domain: b.example }
                    action: reject
                  - match: { neighbour: colo2 }
                    set: { local-pref: 500 }
                    action: accept
            """
        try lab.writeConfig(up)
        lab.signal("up", SIGHUP)

        let changed = await lab.waitUntil {
            guard let routes = await lab.routes("up") else { return false }
            return routes["b.example"] == nil && routes["c.example"]?.nextHop == "colo2" && routes["shared.example"]?.nextHop == "colo2"
        }
        let routesNow = await lab.routes("up") ?? [:]
        #expect(changed, "routes after SIGHUP: \(routesNow)\n\(lab.logs())")
        let after = try #require(await lab.routes("up"))
        #expect(after["shared.example"]?.localPref == 500)
        #expect(after["shared.example"]?.alternates?.first?.nextHop == "colo1")
        #expect(await lab.peer("up", "colo2")?.state == "Established")
        // colo1's routes are still received (b.example is only rejected by import policy).
        #expect(await lab.peer("up", "colo1")?.routesReceived == 2)

        // The unchanged session did not reset: Established all along, its uptime kept growing
        // by at least the time that passed, and messages kept flowing (keepalives each second).
        try await Task.sleep(for: .milliseconds(1500))
        let elapsed = ContinuousClock.now - reloadedAt
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let colo1After = try #require(await lab.peer("up", "colo1"))
        let upSeenByColo1After = try #require(await lab.peer("colo1", "up"))
        #expect(colo1After.state == "Established")
        #expect((colo1After.uptimeSeconds ?? 0) >= (colo1Before.uptimeSeconds ?? .infinity) + elapsedSeconds - 0.5,
                "uptime \(colo1Before.uptimeSeconds ?? -1) → \(colo1After.uptimeSeconds ?? -1) over \(elapsedSeconds) s")
        #expect(colo1After.messagesIn > colo1Before.messagesIn)
        #expect(colo1After.lastError == colo1Before.lastError)
        #expect((upSeenByColo1After.uptimeSeconds ?? 0) >= (upSeenByColo1Before.uptimeSeconds ?? .infinity) + elapsedSeconds - 0.5)
        #expect(((try? String(contentsOfFile: lab.logPath("up"), encoding: .utf8)) ?? "").contains("configuration reloaded"))
    }
}
