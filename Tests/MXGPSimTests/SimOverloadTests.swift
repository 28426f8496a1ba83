import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPSim

/// A node's overload monitor in the simulation (Labs/overload.yaml: up1 drains above 3 queued
/// messages, stops at 0, holds each state 2 s), as the node runs it on its delivery tick.
@Suite struct SimOverloadTests {
    static func route(_ s: Simulation, _ node: String, _ domain: String) -> RouteView? {
        s.bestRoutes(of: node).first { $0.domain.text == domain }
    }

    @Test func aQueuePastItsHighWatermarkDrainsAndTheMarkIsWithdrawnWhenItEmpties() throws {
        let s = try SimMailTests.converged("overload.yaml")
        #expect(Self.route(s, "colo1", "carol.example")?.nextHop == "up1")
        #expect(!s.isDraining("up1"))
        let start = s.virtualNow
        s.inject(.tempfail("colo2", percent: 100), at: start)
        s.submit(id: "burst", from: "colo1", sender: "a@alice.example", to: "bob@bob.example", count: 6, rate: 20, subject: "b", at: start)
        s.advance(to: start + .seconds(1))
        #expect(s.isDraining("up1"))
        #expect(s.queueDepth(of: "up1") == 6)
        let moved = Self.route(s, "colo1", "carol.example")
        #expect(moved?.nextHop == "up2")
        #expect(moved?.reason == .notDraining)
        #expect(moved?.draining == false)
        #expect(moved?.alternates.first?.draining == true)
        // Every way to colo2 crosses up1: both routes are marked and price decides as usual.
        let bob = Self.route(s, "colo1", "bob.example")
        #expect(bob?.nextHop == "up1" && bob?.reason == .price && bob?.draining == true)
        #expect(bob?.alternates.first?.draining == true)
        #expect(s.eventLog.contains { $0.contains("up1 is overloaded (queue") })

        // colo2 takes mail again; up1's queue empties; the mark goes after the 2 s hold at the earliest.
        s.inject(.tempfail("colo2", percent: 0), at: s.virtualNow)
        s.advance(to: start + .milliseconds(1500))
        #expect(s.isDraining("up1"), "the hold keeps the mark at least 2 s")
        s.advance(to: start + .seconds(30))
        #expect(!s.isDraining("up1"))
        #expect(s.queueDepth(of: "up1") == 0)
        #expect(s.mailbox(of: "colo2", address: "bob@bob.example").count == 6)
        #expect(Self.route(s, "colo1", "carol.example")?.nextHop == "up1")
        #expect(Self.route(s, "colo1", "carol.example")?.reason == .price)
    }

    @Test func nodesWithoutOverloadNeverDrain() throws {
        let s = try SimMailTests.converged("quickstart.yaml")
        s.inject(.tempfail("colo2", percent: 100), at: s.virtualNow)
        s.submit(id: "burst", from: "colo1", sender: "a@alice.example", to: "bob@bob.example", count: 20, rate: 50, subject: "b", at: s.virtualNow)
        s.advance(to: s.virtualNow + .seconds(2))
        #expect(s.queueDepth(of: "up1") == 20)
        #expect(!s.isDraining("up1"))
        #expect(Self.route(s, "colo1", "carol.example")?.nextHop == "up1")
    }
}
