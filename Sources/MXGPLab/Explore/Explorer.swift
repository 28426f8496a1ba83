import Foundation
import MXGPCore
import MXGPSim
import MXGPTopology

/// `mxgp sim explore`: deterministic simulation testing. For seed after seed it generates a
/// topology (``TopologyGenerator/chaos(seed:nodes:)``) and a schedule of mail and faults
/// (``ChaosSchedule``), runs it in the simulator, heals everything, lets it settle, and checks
/// ``ExploreInvariants``. A failing seed is written as a run folder that `mxgp sim --replay`
/// reproduces, then shrunk (fewer faults, fewer sends, fewer nodes) while it still fails.
public struct Explorer: Sendable {
    /// One explored case: what ran and what broke.
    public struct Case: Sendable {
        public var seed: UInt64
        public var topology: Topology
        public var schedule: [ScheduleEntry]
        public var report: ScenarioReport
        public var violations: [Violation]
        public var log: [String]
        public var messages: Int { report.messages.count }
        public var faults: Int { schedule.filter { $0.action == "fault" }.count }
    }

    /// Nodes per topology (nil: drawn from the seed, 5 to 10).
    public var nodes: Int?
    /// Seconds of chaos per seed (virtual time), before the final heal.
    public var duration: Double = 30
    /// Seconds the run settles after the final heal before the invariants are checked.
    public var settle: Double = 30

    public init(nodes: Int? = nil, duration: Double = 30) {
        self.nodes = nodes
        self.duration = duration
    }

    /// Generates and runs one seed.
    public func explore(seed: UInt64) async -> Case {
        let topology = TopologyGenerator.chaos(seed: seed, nodes: nodes)
        return await run(seed: seed, topology: topology, schedule: ChaosSchedule.generate(topology, seed: seed, duration: duration))
    }

    /// Runs a schedule on a topology and checks the invariants.
    public func run(seed: UInt64, topology: Topology, schedule: [ScheduleEntry]) async -> Case {
        let scenario = Scenario(schedule: schedule, seconds: duration + settle, name: "explore-\(seed)",
                                description: "mxgp sim explore, seed \(seed)", topologyPath: "topology.yaml", seed: seed, check: .seconds(600))
        let target = SimScenarioTarget(topology: topology, seed: seed)
        let report = await ScenarioRunner(target: target, scenario: scenario).run()
        var violations = report.steps.filter { $0.verdict == .failed && !$0.step.hasPrefix("check") }.map {
            Violation(kind: "step", detail: "\($0.step): \($0.detail)")
        }
        let (found, log) = await target.withSimulation { simulation in
            (ExploreInvariants.check(simulation, report: report, topology: topology, seed: seed), simulation.eventLog)
        }
        violations += found
        return Case(seed: seed, topology: topology, schedule: schedule, report: report, violations: violations, log: log)
    }

    /// The smallest case found that still breaks an invariant of the same kind: faults (with
    /// their heals), sends and colos nobody uses are dropped one at a time while it still fails.
    /// At most `budget` runs.
    public func shrink(_ failing: Case, budget: Int = 80) async -> Case {
        guard let kind = failing.violations.first?.kind else { return failing }
        var best = failing, runs = 0
        func stillFails(_ topology: Topology, _ schedule: [ScheduleEntry]) async -> Case? {
            guard runs < budget else { return nil }
            runs += 1
            let attempt = await run(seed: failing.seed, topology: topology, schedule: schedule)
            return attempt.violations.contains { $0.kind == kind } ? attempt : nil
        }
        var progress = true
        while progress && runs < budget {
            progress = false
            // A fault together with its heal, or a send.
            for entry in best.schedule where entry.action == "send" || (entry.action == "fault") {
                let smaller = best.schedule.filter { $0 != entry && !(entry.action == "fault" && $0.action == "heal" && $0.fault == entry.fault) }
                if let found = await stillFails(best.topology, smaller) { best = found; progress = true; break }
            }
            if progress { continue }
            // A colo that no send and no fault names.
            let used = Set(best.schedule.flatMap { ($0.fault?.nodes ?? []) + [$0.send?.from].compactMap { $0 } + [$0.send.flatMap { self.owner(of: $0.to, in: best.topology) }].compactMap { $0 } })
            for node in best.topology.nodes where node.role == .colo && !used.contains(node.name) {
                var topology = best.topology
                topology.nodes.removeAll { $0.name == node.name }
                topology.links.removeAll { $0.a == node.name || $0.b == node.name }
                topology.originValidation?.leaveOut.removeAll { $0 == node.name }
                if let found = await stillFails(topology, best.schedule) { best = found; progress = true; break }
            }
        }
        return best
    }

    func owner(of address: String, in topology: Topology) -> String? {
        guard let domain = address.split(separator: "@").last.flatMap({ DomainName(String($0)) }) else { return nil }
        return topology.nodes.first { $0.domains.contains(domain) && $0.hijacked.isEmpty }?.name
    }

    /// Writes a case as a run folder that `mxgp sim --replay` reproduces, with `violations.txt`.
    public func write(_ c: Case, to folder: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        try c.topology.yamlText.write(toFile: folder + "/topology.yaml", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(RunSchedule(scenario: "explore-\(c.seed)", seed: c.seed, lab: c.topology.name, backend: "sim", schedule: c.schedule, seconds: duration + settle))
            .write(to: URL(fileURLWithPath: folder + "/schedule.json"))
        try encoder.encode(c.report.messages).write(to: URL(fileURLWithPath: folder + "/messages.json"))
        try c.report.json().write(toFile: folder + "/report.json", atomically: true, encoding: .utf8)
        try (c.log.joined(separator: "\n") + "\n").write(toFile: folder + "/logs/sim.log", atomically: true, encoding: .utf8)
        try (c.violations.map(\.description).joined(separator: "\n") + "\n").write(toFile: folder + "/violations.txt", atomically: true, encoding: .utf8)
    }
}
