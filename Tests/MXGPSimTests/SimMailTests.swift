import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPSim

/// Mail in the simulation: the relay's rules and real SMTP dialogues on the virtual clock.
@Suite struct SimMailTests {
    /// A converged simulation of a lab, its clock started.
    static func converged(_ file: String, seed: UInt64 = 1) throws -> Simulation {
        var options = SimulationOptions(seed: seed)
        options.fastLivenessMilliseconds = 300
        let simulation = Simulation(topology: try lab(file), options: options)
        simulation.keepsLog = true
        var t: Duration = .zero
        repeat { t += .milliseconds(100); simulation.advance(to: t) } while !simulation.isConverged && t < .seconds(30)
        #expect(simulation.isConverged)
        simulation.markStart()
        return simulation
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var lab: String
        var faults: [SimFault]
        var from: String, sender: String, to: String, owner: String
        var hops: [String]
        var testDescription: String { name }
    }

    /// Where mail goes: the best route, around a failed, refusing or overloaded next hop.
    static let paths: [Case] = [
        Case(name: "best route", lab: "quickstart.yaml", faults: [], from: "colo1", sender: "a@alice.example", to: "bob@bob.example", owner: "colo2",
             hops: ["colo1", "up1", "colo2"]),
        Case(name: "cheaper upstream first", lab: "quickstart.yaml", faults: [], from: "colo1", sender: "a@alice.example",
             to: "carol@carol.example", owner: "colo3", hops: ["colo1", "up1", "t1a", "t1b", "up2", "colo3"]),
        Case(name: "preferred upstream overloaded (421): next alternate", lab: "quickstart.yaml", faults: [.tempfail("up1", percent: 100)],
             from: "colo1", sender: "a@alice.example", to: "carol@carol.example", owner: "colo3", hops: ["colo1", "up2", "colo3"]),
        Case(name: "preferred link cut: route moves", lab: "quickstart.yaml", faults: [.blackhole(SimLink("colo1", "up1"))],
             from: "colo1", sender: "a@alice.example", to: "bob@bob.example", owner: "colo2", hops: ["colo1", "up2", "t1b", "t1a", "up1", "colo2"]),
        Case(name: "a region's refusal is routed around", lab: "regional.yaml", faults: [], from: "src", sender: "a@src.example",
             to: "dora@dst.example", owner: "dst", hops: ["src", "open", "dst"]),
        Case(name: "the region refused elsewhere still uses the refusing node", lab: "regional.yaml", faults: [], from: "ussrc",
             sender: "a@ussrc.example", to: "dora@dst.example", owner: "dst", hops: ["ussrc", "strict", "dst"]),
    ]

    @Test(arguments: paths)
    func mailTakesThePath(_ c: Case) throws {
        let simulation = try Self.converged(c.lab)
        for fault in c.faults { simulation.inject(fault, at: simulation.virtualNow) }
        simulation.submit(id: "t", from: c.from, sender: c.sender, to: c.to, count: 3, rate: 10, subject: "t", at: simulation.virtualNow)
        simulation.advance(to: simulation.virtualNow + .seconds(30))
        #expect(simulation.submissions(of: "t").map(\.status) == ["accepted", "accepted", "accepted"])
        let box = simulation.mailbox(of: c.owner, address: c.to)
        #expect(box.count == 3)
        #expect(box.allSatisfy { $0.hops == c.hops }, "\(box.map(\.hops))")
        #expect(simulation.queueDepth(of: c.from) == 0)
    }

    @Test func theLedgerBooksWhatTheContractsSay() throws {
        let simulation = try Self.converged("quickstart.yaml")
        simulation.submit(id: "t", from: "colo1", sender: "a@alice.example", to: "bob@bob.example", count: 4, rate: nil, subject: "t", at: simulation.virtualNow)
        simulation.advance(to: simulation.virtualNow + .seconds(5))
        let colo1 = try #require(simulation.ledger(of: "colo1").first { $0.neighbour == "up1" })
        let up1 = try #require(simulation.ledger(of: "up1").first { $0.neighbour == "colo1" })
        #expect(colo1.messagesOut == 4 && colo1.owed == 12)  // price 3
        #expect(up1.messagesIn == 4 && up1.earned == 12)
    }

    @Test func aKilledRelayDeliversItsQueueOnceAfterTheRestart() throws {
        let simulation = try Self.converged("quickstart.yaml")
        simulation.inject(.tempfail("t1a", percent: 100), at: simulation.virtualNow)
        simulation.submit(id: "t", from: "colo2", sender: "c@bob.example", to: "carol@carol.example", count: 10, rate: 20, subject: "t", at: simulation.virtualNow)
        simulation.advance(to: simulation.virtualNow + .seconds(2))
        #expect(simulation.queueDepth(of: "up1") == 10)
        simulation.inject(.nodeDown("up1"), at: simulation.virtualNow)
        simulation.inject(.tempfail("t1a", percent: 0), at: simulation.virtualNow)
        simulation.inject(.nodeUp("up1"), at: simulation.virtualNow + .seconds(1))
        simulation.advance(to: simulation.virtualNow + .seconds(30))
        let box = simulation.mailbox(of: "colo3", address: "carol@carol.example")
        #expect(box.count == 10)
        #expect(Set(box.map(\.messageId)).count == 10)
        #expect(simulation.queueDepth(of: "up1") == 0)
    }

    @Test func mailWithNoRouteBouncesWithADSNAtTheEndOfItsLifetime() throws {
        let simulation = try Self.converged("quickstart.yaml")
        simulation.mailTimers.lifetime = .seconds(3)
        // colo1's clients may relay only to routable domains; so cut colo3 off after taking the mail.
        simulation.inject(.tempfail("up2", percent: 100), at: simulation.virtualNow)
        simulation.submit(id: "t", from: "colo1", sender: "a@alice.example", to: "carol@carol.example", count: 1, rate: nil, subject: "t", at: simulation.virtualNow)
        simulation.inject(.nodeDown("colo3"), at: simulation.virtualNow + .milliseconds(10))
        simulation.advance(to: simulation.virtualNow + .seconds(20))
        let dsn = simulation.mailbox(of: "colo1", address: "a@alice.example")
        #expect(dsn.count == 1)
        #expect(dsn.first?.subject == "Undelivered Mail Returned to Sender")
        #expect(simulation.mailbox(of: "colo3", address: "carol@carol.example").isEmpty)
    }

    @Test func aComplaintTravelsBackAsREPORTsAndEveryHopChargesTheOneBefore() throws {
        let simulation = try Self.converged("chargeback.yaml")
        simulation.submit(id: "t", from: "spammer", sender: "s@spammer.example", to: "inbox@victim.example", count: 1, rate: nil, subject: "t", at: simulation.virtualNow)
        simulation.advance(to: simulation.virtualNow + .seconds(5))
        let message = try #require(simulation.mailbox(of: "victim", address: "inbox@victim.example").first)
        let outcome = try simulation.complain(at: "victim", messageId: message.messageId).get()
        #expect(outcome.bookedAgainst == "up2" && outcome.forwardedTo == "up2")
        simulation.advance(to: simulation.virtualNow + .seconds(2))
        #expect(simulation.ledger(of: "victim").first { $0.neighbour == "up2" }?.chargebacks == 10)
        #expect(simulation.ledger(of: "up2").first { $0.neighbour == "up1" }?.chargebacks == 20)
        #expect(simulation.ledger(of: "up1").first { $0.neighbour == "spammer" }?.chargebacks == 50)
        #expect(simulation.messageCounts["REPORT", default: 0] == 3)  // victim > up2 > up1 > spammer
        // A second complaint about the same message books nothing.
        let again = try simulation.complain(at: "victim", messageId: message.messageId).get()
        #expect(again.bookedAgainst == nil && again.stopped != nil)
    }

    @Test func aTransactionCutOffMidWayIsRetriedAndTakenOnce() throws {
        let simulation = try Self.converged("quickstart.yaml")
        simulation.submit(id: "t", from: "colo1", sender: "a@alice.example", to: "bob@bob.example", count: 1, rate: nil, subject: "t", at: simulation.virtualNow)
        // Cut the link while the first hop's transaction is under way (after the submission, before its 250).
        simulation.inject(.blackhole(SimLink("colo1", "up1")), at: simulation.virtualNow + .milliseconds(6))
        simulation.advance(to: simulation.virtualNow + .seconds(30))
        let box = simulation.mailbox(of: "colo2", address: "bob@bob.example")
        #expect(box.count == 1)
        #expect(simulation.eventLog.contains { $0.contains("duplicate taken without a second copy") })
    }

    @Test func theSameSeedGivesTheSameRun() throws {
        func log(_ seed: UInt64) throws -> [String] {
            let simulation = try Self.converged("quickstart.yaml", seed: seed)
            simulation.inject(.impair(SimLink("colo1", "up1"), LinkImpairment(lossPercent: 30)), at: simulation.virtualNow)
            simulation.submit(id: "t", from: "colo1", sender: "a@alice.example", to: "bob@bob.example", count: 20, rate: 10, subject: "t", at: simulation.virtualNow)
            simulation.advance(to: simulation.virtualNow + .seconds(20))
            return simulation.eventLog
        }
        #expect(try log(3) == log(3))
        #expect(try log(3) != log(4))
    }
}
