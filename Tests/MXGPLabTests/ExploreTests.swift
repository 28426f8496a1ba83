import Foundation
import MXGPCore
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

/// `mxgp sim explore`: the generators are deterministic, the invariants catch what they are
/// about, shrinking finds the fault that matters, and a fixed budget of seeds passes.
@Suite(.serialized) struct ExploreTests {
    static let quickstart = TestBinary.repository.appendingPathComponent("Labs/quickstart.yaml").path

    @Test func generatorsAreDeterministicAndTopologiesRoundTripThroughYAML() throws {
        for seed: UInt64 in 1...30 {
            let topology = TopologyGenerator.chaos(seed: seed)
            #expect(topology == TopologyGenerator.chaos(seed: seed))
            #expect(ChaosSchedule.generate(topology, seed: seed) == ChaosSchedule.generate(topology, seed: seed))
            let parsed = try Topology.parse(yaml: topology.yamlText)
            #expect(parsed.warnings.isEmpty, "seed \(seed): \(parsed.warnings)")
            #expect(parsed.topology.nodes.map(\.name) == topology.nodes.map(\.name))
            #expect(parsed.topology.links.map { [$0.a, $0.b, $0.aRole.rawValue, String($0.price), String($0.chargeback), String($0.rateLimit)] }
                    == topology.links.map { [$0.a, $0.b, $0.aRole.rawValue, String($0.price), String($0.chargeback), String($0.rateLimit)] })
            #expect(parsed.topology.originValidation == topology.originValidation)
            #expect(parsed.topology.nodes.map(\.hijacked) == topology.nodes.map(\.hijacked))
        }
    }

    /// No two faults on the same node or link overlap, also in long schedules (the 10-minute
    /// soak once drew a restart inside a kill's span, which a lab refuses).
    @Test func faultsNeverOverlapOnANodeOrLink() {
        for seed: UInt64 in 1...100 {
            let topology = TopologyGenerator.chaos(seed: seed)
            let schedule = ChaosSchedule.generate(topology, seed: seed, duration: 600)
            var spans: [String: [ClosedRange<Double>]] = [:]
            for entry in schedule where entry.action == "fault" {
                let fault = entry.fault!
                let end = fault.persists ? schedule.first { $0.action == "heal" && $0.fault == fault && $0.at >= entry.at }!.at : entry.at + 1
                for node in fault.nodes {
                    #expect(!(spans[node] ?? []).contains { $0.overlaps(entry.at...end) }, "seed \(seed): \(fault.description) at \(entry.at)")
                    spans[node, default: []].append(entry.at...end)
                }
            }
        }
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var name: String
        var schedule: [ScheduleEntry]
        var kinds: Set<String>
        var testDescription: String { name }
    }

    static let mail = ScheduleEntry(at: 1, action: "send", send: ScheduledSend(id: "s1", ScenarioSend(
        from: "colo1", to: "bob@bob.example", count: 5, rate: 10, background: true, id: "s1")))

    /// Each invariant fires when it should: faults left unhealed leave stale routes, queued and
    /// lost mail.
    static let broken: [Broken] = [
        Broken(name: "a link left down: stale routes", schedule: [ScheduleEntry(at: 0.5, action: "fault", fault: .down(a: "colo1", b: "up1"))],
               kinds: ["stale-route"]),
        Broken(name: "the destination left dead: stale routes (its mail is refused at submission: 451, no route)",
               schedule: [ScheduleEntry(at: 0.5, action: "fault", fault: .kill(node: "colo2")), mail], kinds: ["stale-route"]),
        Broken(name: "the only upstream refusing everything: queued, lost", schedule: [ScheduleEntry(at: 0.5, action: "fault", fault: .smtpTempfail(node: "up1", percent: 100)), mail],
               kinds: ["queue", "lost"]),
    ]

    @Test(arguments: broken)
    func invariantsFire(_ c: Broken) async throws {
        let topology = try TopologyParser.load(path: Self.quickstart).topology
        var explorer = Explorer(duration: 5)
        explorer.settle = 5
        let found = await explorer.run(seed: 1, topology: topology, schedule: c.schedule)
        #expect(Set(found.violations.map(\.kind)) == c.kinds, "\(found.violations)")
    }

    @Test func healedFaultsBreakNothing() async throws {
        let topology = try TopologyParser.load(path: Self.quickstart).topology
        let explorer = Explorer(duration: 10)
        let schedule = [Self.mail, ScheduleEntry(at: 1.2, action: "fault", fault: .cut(a: "colo1", b: "up1", from: nil)),
                        ScheduleEntry(at: 4, action: "fault", fault: .kill(node: "up1")), ScheduleEntry(at: 10, action: "heal", fault: nil)]
        let found = await explorer.run(seed: 1, topology: topology, schedule: schedule)
        #expect(found.violations.isEmpty, "\(found.violations)")
        #expect(found.report.messages.filter { $0.copies == 1 }.count == 5)
    }

    /// Shrinking keeps the fault that breaks the invariant and drops the rest.
    @Test func shrinkingFindsTheFaultThatMatters() async throws {
        let topology = try TopologyParser.load(path: Self.quickstart).topology
        var explorer = Explorer(duration: 6)
        explorer.settle = 5
        let schedule = [
            Self.mail,
            ScheduleEntry(at: 0.5, action: "fault", fault: .sessionReset(a: "up2", b: "t1b")),
            ScheduleEntry(at: 1, action: "fault", fault: .loss(a: "colo3", b: "up2", percent: 20)),
            ScheduleEntry(at: 2, action: "heal", fault: .loss(a: "colo3", b: "up2", percent: 20)),
            ScheduleEntry(at: 3, action: "fault", fault: .down(a: "t1a", b: "t1b")),
        ]
        let failing = await explorer.run(seed: 1, topology: topology, schedule: schedule)
        #expect(failing.violations.contains { $0.kind == "stale-route" })
        let small = await explorer.shrink(failing)
        #expect(small.schedule == [ScheduleEntry(at: 3, action: "fault", fault: .down(a: "t1a", b: "t1b"))])
        #expect(small.topology.nodes.count < topology.nodes.count)
        // The shrunk case is a run folder that replays.
        let folder = NSTemporaryDirectory() + "mxgp-explore-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try explorer.write(small, to: folder)
        let replay = try RunReplay.load(folder: folder)
        #expect(replay.topology.nodes.map(\.name) == small.topology.nodes.map(\.name))
        #expect(replay.schedule.schedule == small.schedule)
    }
}

/// The seeds that found bugs, kept as regression tests.
@Suite(.serialized) struct ExploreRegressionTests {
    /// 210: a paused node's mail tick ran late and the simulator never ticked it again (3
    /// messages queued for ever). 383 and 385: mail handed back to a node it had crossed was
    /// taken as a duplicate and lost (RelayDecision.withoutLoops).
    @Test(arguments: [210, 383, 385] as [UInt64])
    func foundBugsStayFixed(seed: UInt64) async {
        let found = await Explorer().explore(seed: seed)
        #expect(found.violations.isEmpty, "seed \(seed): \(found.violations)")
    }
}
