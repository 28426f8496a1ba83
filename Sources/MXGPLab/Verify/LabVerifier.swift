import Foundation
import MXGPAdminAPI
import MXGPCore

/// One probe of `mxgp lab verify`: a message from a colo to another colo's domain.
public struct ProbeResult: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// Delivered exactly once along the predicted path.
        case passed
        /// The simulation predicts no route and the source refused the probe, as it should.
        case noRoute = "no-route"
        case failed
    }
    public var from: String
    public var to: String
    public var address: String
    public var verdict: Verdict
    /// Copies found in the destination mailbox.
    public var copies: Int
    /// The hops the message crossed (from its Received headers), source first.
    public var path: [String]
    /// The path the simulation predicts; empty when it predicts no route.
    public var expected: [String]
    /// Seconds from the send to the first time the copy was seen.
    public var seconds: Double?
    /// Why it failed.
    public var problem: String?
    /// The source's `451 4.4.0` (no route right now) to an earlier submission, when the probe
    /// was sent again after it (routes were changing: a session flapped), as a sending MTA
    /// would. Nil when the first submission was taken.
    public var resubmitted: String? = nil

    /// `colo3 refused the probe to colo1 for now (451 …); it was sent again`, or nil.
    public var resubmissionNote: String? {
        resubmitted.map { "\(from) refused the probe to \(to) for now (\($0)); it was sent again" }
    }
}

/// The outcome of `mxgp lab verify`.
public struct VerifyReport: Sendable, Codable {
    public var lab: String
    public var faults: [String]
    public var probes: [ProbeResult]
    public var seconds: Double
    public var passed: Bool { probes.allSatisfy { $0.verdict != .failed } }
}

/// Sends a probe between every ordered pair of colos (each to the other's first domain),
/// then checks each arrived exactly once along the path the simulation predicts for the
/// lab's current faults.
public struct LabVerifier: Sendable {
    public var lab: Lab
    /// How long to wait for probes to arrive.
    public var timeout: Duration
    /// Probes sent at once.
    public var concurrency = 8
    /// Only this many probes, between colo pairs drawn from `seed` (big labs: all pairs of
    /// 800 colos would be 640,000 probes); nil: every ordered pair.
    public var sample: Int?
    /// The seed `sample` draws its pairs from: the same seed, the same pairs.
    public var seed: UInt64 = 1

    public init(lab: Lab, timeout: Duration = .seconds(30)) {
        self.lab = lab
        self.timeout = timeout
    }

    struct Probe: Sendable {
        var from: String
        var to: String
        var fromAddress: String
        var address: String
        var expected: [String]?
    }

    /// The probes of a run: every ordered pair of running colos that originate a domain.
    func probes(run: String, expected: ExpectedRoutes) -> [Probe] {
        let failed = FaultImpact(faults: lab.state.faults, plan: lab.plan).failedNodes
        let colos = lab.plan.topology.nodes.filter { $0.role == .colo && !$0.domains.isEmpty && !failed.contains($0.name) }
        var probes: [Probe] = []
        for (source, target) in Self.pairs(of: colos.count, sample: sample, seed: seed).map({ (colos[$0.0], colos[$0.1]) }) {
            do {
                let domain = target.domains[0].text
                probes.append(Probe(
                    from: source.name, to: target.name, fromAddress: "verify@\(source.domains[0].text)",
                    address: "probe-\(run)-\(source.name)@\(domain)", expected: lab.plan.runsPostfix(source.name)  // Postfix: the static tables' preferred path
                        ? StaticForwarding.primaryPath(from: source.name, domain: domain, in: lab.plan.topology)
                        : expected.path(from: source.name, to: domain)))
            }
        }
        return probes
    }

    /// The ordered pairs (source, target) of `count` colos, by index: all of them in order, or
    /// `sample` distinct pairs drawn from `seed` (all of them when there are no more).
    static func pairs(of count: Int, sample: Int?, seed: UInt64) -> [(Int, Int)] {
        let total = count * (count - 1)
        guard let sample, sample < total else {
            return (0..<count).flatMap { s in (0..<count).filter { $0 != s }.map { (s, $0) } }
        }
        var rng = SeededRandom(seed: seed)
        var picked: [(Int, Int)] = []
        var seen: Set<Int> = []
        while picked.count < sample {
            let s = Int(rng.next() % UInt64(count)), t = Int(rng.next() % UInt64(count))
            guard s != t, seen.insert(s * count + t).inserted else { continue }
            picked.append((s, t))
        }
        return picked
    }

    /// Runs the probes and returns the report.
    public func run() async -> VerifyReport {
        let clock = ContinuousClock()
        let start = clock.now
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let expected = lab.expectedRoutes()
        let probes = probes(run: run, expected: expected)
        var results: [Int: ProbeResult] = [:]
        var sentAt: [Int: ContinuousClock.Instant] = [:]
        var resubmitted: [Int: String] = [:]
        // Send, a few at a time.
        for batch in stride(from: 0, to: probes.count, by: concurrency) {
            let indices = Array(batch..<min(batch + concurrency, probes.count))
            await withTaskGroup(of: (Int, (CommandResult, String?)).self) { group in
                for i in indices { group.addTask { (i, await self.submit(probes[i], run: run, until: start + timeout)) } }
                for await (i, (result, refusal)) in group {
                    let probe = probes[i]
                    sentAt[i] = clock.now
                    resubmitted[i] = refusal
                    switch (probe.expected, result.succeeded) {
                    case (nil, false):
                        results[i] = probeResult(probe, .noRoute, problem: nil)
                    case (nil, true):
                        results[i] = probeResult(probe, .failed, problem: "accepted although the simulation predicts no route")
                    case (_, false):
                        results[i] = probeResult(probe, .failed, problem: "not accepted: \(result.message)")
                    case (_, true):
                        break
                    }
                }
            }
        }
        // Wait for every accepted probe, then look once more for late duplicates.
        var seen: [Int: [AdminMailboxMessage]] = [:]
        var firstSeen: [Int: Double] = [:]
        let deadline = clock.now + timeout
        var pending = probes.indices.filter { results[$0] == nil }
        while !pending.isEmpty, clock.now < deadline {
            for i in pending {
                if let messages = try? await lab.mailbox(probes[i].to, probes[i].address), !messages.isEmpty {
                    seen[i] = messages
                    if let sent = sentAt[i] { firstSeen[i] = (clock.now - sent).inSeconds }
                }
            }
            pending = pending.filter { seen[$0] == nil }
            if !pending.isEmpty { try? await Task.sleep(for: .milliseconds(200)) }
        }
        if !seen.isEmpty { try? await Task.sleep(for: .seconds(1)) }
        for i in probes.indices where results[i] == nil {
            let probe = probes[i]
            let messages = (try? await lab.mailbox(probe.to, probe.address)) ?? seen[i] ?? []
            var r = probeResult(probe, .passed, problem: nil)
            r.copies = messages.count
            r.path = messages.first?.hops ?? []
            r.seconds = firstSeen[i]
            if messages.isEmpty {
                r.verdict = .failed
                r.problem = "not delivered within \(Lab.seconds(timeout))"
            } else if messages.count > 1 {
                r.verdict = .failed
                r.problem = "delivered \(messages.count) times"
            } else if r.path != r.expected {
                r.verdict = .failed
                r.problem = "path differs from the simulation's"
            }
            results[i] = r
        }
        return VerifyReport(lab: lab.name, faults: lab.state.faults.map(\.description),
                            probes: probes.indices.compactMap { i in results[i].map { var r = $0; r.resubmitted = resubmitted[i]; return r } },
                            seconds: (clock.now - start).inSeconds)
    }

    func probeResult(_ probe: Probe, _ verdict: ProbeResult.Verdict, problem: String?) -> ProbeResult {
        ProbeResult(from: probe.from, to: probe.to, address: probe.address, verdict: verdict, copies: 0, path: [],
                    expected: probe.expected ?? [], seconds: nil, problem: problem)
    }

    /// Sends `probe`; while the source refuses it for now because it has no route at the moment
    /// (`451 4.4.0` at submission, nothing taken) and the simulation expects one, sends it again
    /// every second until `deadline`, as a sending MTA would retry. Returns the last result and
    /// the first such refusal, if any.
    func submit(_ probe: Probe, run: String, until deadline: ContinuousClock.Instant) async -> (CommandResult, String?) {
        var result = await send(probe, run: run)
        var refusal: String? = nil
        while !result.succeeded, probe.expected != nil, let temporary = Self.temporaryRefusal(result.stdout), ContinuousClock.now + .seconds(1) < deadline {
            refusal = refusal ?? temporary
            try? await Task.sleep(for: .seconds(1))
            result = await send(probe, run: run)
        }
        return (result, refusal)
    }

    /// The reply of a submission `mxgp send` reports as deferred for want of a route right now
    /// (`<id>  deferred  451 4.4.0 …`), or nil. Other refusals (a lab's smtp-tempfail 421, a
    /// permanent 5xx, a timeout after DATA that may have left a copy) are final.
    static func temporaryRefusal(_ output: String) -> String? {
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "  deferred  451 4.4.0 ") else { continue }
            let reply = line[line.index(range.lowerBound, offsetBy: "  deferred  ".count)...]
            let end = reply.range(of: "  (not accepted")?.lowerBound ?? reply.endIndex
            return String(reply[..<end]).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    func send(_ probe: Probe, run: String) async -> CommandResult {
        await lab.backend.exec(lab.plan, node: probe.from, [
            lab.backend.nodeBinary(lab.state), "send", "--server", "127.0.0.1:25", "--from", probe.fromAddress, "--to", probe.address,
            "--subject", "mxgp lab verify \(run): \(probe.from) to \(probe.to)",
        ], timeout: .seconds(20))
    }

}
