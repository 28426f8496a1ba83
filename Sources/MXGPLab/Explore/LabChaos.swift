import Foundation
import MXGPProcess

/// `mxgp lab chaos LAB`: the seeded generator of `mxgp sim explore` against a live lab. The
/// schedule (mail streams between colos, faults of every kind, each healed) runs through the
/// scenario runner, then everything is healed, `mxgp lab verify` probes every pair of colos,
/// and the delivery check counts lost and duplicated mail. Every node's memory and open
/// descriptors are measured before (after a warm-up probe round) and after. The run folder
/// replays in the simulator.
public struct LabChaos: Sendable {
    public var lab: Lab
    public var seed: UInt64
    /// Seconds of chaos before the final heal.
    public var duration: Double
    /// Seconds to settle after the final heal.
    public var settle: Double = 20

    public init(lab: Lab, seed: UInt64, duration: Double) {
        self.lab = lab
        self.seed = seed
        self.duration = duration
    }

    /// A node's resident memory and open descriptors.
    public struct Footprint: Sendable, Hashable, Codable {
        public var node: String
        public var pid: Int32
        public var residentBytes: Int
        public var descriptors: Int
    }

    /// What a chaos run found.
    public struct Outcome: Sendable {
        public var report: ScenarioReport
        public var verify: VerifyReport
        public var before: [Footprint]
        public var after: [Footprint]
        public var schedule: [ScheduleEntry]
        /// Nodes whose memory or descriptors grew by more than 10 % (a restarted node starts afresh and is not compared).
        public var grown: [String] {
            after.compactMap { end in
                guard let start = before.first(where: { $0.node == end.node }), start.pid == end.pid else { return nil }
                let memory = Double(end.residentBytes) > Double(start.residentBytes) * 1.1
                let descriptors = Double(end.descriptors) > Double(start.descriptors) * 1.1 + 1
                return memory || descriptors ? end.node : nil
            }
        }
        public var passed: Bool { report.passed && report.lost.isEmpty && report.duplicated.isEmpty && verify.passed && grown.isEmpty }
    }

    /// How long to wait before a footprint: the SMTP connection pool's idle timeout (5 s) and a margin.
    static let quiet: Duration = .seconds(7)

    /// Runs the chaos; `step` sees each step as it finishes.
    public func run(step: @escaping @Sendable (StepResult) -> Void = { _ in }) async -> Outcome {
        let topology = lab.plan.topology
        let schedule = ChaosSchedule.generate(topology, seed: seed, duration: duration)
        let scenario = Scenario(schedule: schedule, seconds: duration + settle, name: "chaos-\(seed)",
                                description: "mxgp lab chaos \(lab.name), seed \(seed)", topologyPath: lab.state.topologyFile, seed: seed,
                                check: .seconds(120))
        // Warm up first (a probe between every pair of colos), so connection pools and caches
        // are in the "before" figures too: growth is then what the chaos left behind.
        // Both footprints are taken once the nodes are quiet: after the pools' idle timeout (5 s),
        // so the idle SMTP connections a probe round leaves open are closed again (they are
        // bounded, not leaked) and only what stays open counts.
        _ = await LabVerifier(lab: lab).run()
        try? await Task.sleep(for: Self.quiet)
        let before = await footprints()
        let report = await ScenarioRunner(target: LabScenarioTarget(lab: lab), scenario: scenario, progress: step).run()
        let verify = await LabVerifier(lab: lab.reloaded()).run()
        try? await Task.sleep(for: Self.quiet)
        let after = await footprints()
        return Outcome(report: report, verify: verify, before: before, after: after, schedule: schedule)
    }

    func footprints() async -> [Footprint] {
        var result: [Footprint] = []
        for node in lab.plan.nodes.map(\.name) {
            guard let pid = await lab.backend.processID(lab.plan, node: node), let usage = ProcessUsage.of(pid: pid) else { continue }
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
            result.append(Footprint(node: node, pid: pid, residentBytes: usage.residentBytes, descriptors: descriptors))
        }
        return result
    }
}
