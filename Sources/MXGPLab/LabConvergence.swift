import Foundation
import MXGPCore

extension Lab {
    /// The routes the simulation predicts with the lab's active faults.
    public func expectedRoutes() -> ExpectedRoutes {
        ExpectedRoutes(topology: plan.topology, impact: FaultImpact(faults: state.faults, plan: plan))
    }

    /// Polls every node until its live routes equal the simulation's, or `timeout` passes.
    /// Reports progress as "k/n nodes have the expected routes"; returns the time it took.
    /// - Throws: ``LabError`` naming the nodes and routes that still differ.
    @discardableResult
    public func waitForConvergence(timeout: Duration, progress: @Sendable (String) -> Void = { _ in }) async throws -> Duration {
        let expected = expectedRoutes()
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = ""
        // Each round asks again only the nodes that differed last time; once none does, one
        // more round asks every node (a big lab's round trips then stay short).
        var differing: Set<String>? = nil
        while true {
            try await checkNodesRunning()
            var differences = await routeDifferences(from: expected, only: differing)
            for node in await postfixNodesNotListening() { differences[node] = ["Postfix does not answer on port 25 yet"] }
            let elapsed = clock.now - start
            if differences.isEmpty && differing == nil { return elapsed }
            differing = differences.isEmpty ? nil : Set(differences.keys)
            if differences.isEmpty { continue }
            let ready = plan.topology.nodes.contains { $0.mta == .postfix } ? "are ready (expected routes; Postfix nodes: answering on port 25)" : "have the expected routes"
            let report = "converging: \(plan.nodes.count - differences.count)/\(plan.nodes.count) nodes \(ready)"
            if report != lastReport {
                progress(report + " (\(Self.seconds(elapsed)))")
                lastReport = report
            }
            if elapsed >= timeout {
                let lines = differences.sorted { $0.key < $1.key }.prefix(5).flatMap { node, lines in lines.prefix(3).map { "  \(node): \($0)" } }
                throw LabError("lab \(name) did not converge within \(Self.seconds(timeout)); still different:\n" + lines.joined(separator: "\n")
                               + "\nlook at `mxgp lab status \(name)` and the node logs in \(directory.labPath(name))/logs; the lab stays up until `mxgp lab down \(name)`")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Postfix nodes (not stopped by a fault) whose SMTP server does not answer on 127.0.0.1:25 yet.
    func postfixNodesNotListening() async -> [String] {
        let stopped = FaultImpact(faults: state.faults, plan: plan).failedNodes
        var silent: [String] = []
        for node in plan.nodes where plan.runsPostfix(node.name) && !stopped.contains(node.name) {
            let probe = await backend.exec(plan, node: node.name, ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25 && head -c 3 <&3"], timeout: .seconds(5))
            if !(probe.succeeded && probe.stdout.hasPrefix("220")) { silent.append(node.name) }
        }
        return silent
    }

    /// Throws when a node that should run has exited, with the end of its log.
    func checkNodesRunning() async throws {
        let stopped = FaultImpact(faults: state.faults, plan: plan).failedNodes
        for node in plan.nodes where !stopped.contains(node.name) {
            if await backend.state(plan, node: node.name) == .stopped {
                let log = (try? String(contentsOfFile: directory.logPath(name, node.name), encoding: .utf8)) ?? ""
                let tail = log.split(separator: "\n").suffix(5).joined(separator: "\n")
                throw LabError("node \(node.name) of lab \(name) is not running; the end of its log (\(directory.logPath(name, node.name))):\n\(tail)")
            }
        }
    }

    /// `1.23 s`.
    static func seconds(_ duration: Duration) -> String { String(format: "%.2f s", duration.inSeconds) }
}
