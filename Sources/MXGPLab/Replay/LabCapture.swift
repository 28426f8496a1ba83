import Foundation
import MXGPAdminAPI

/// `mxgp lab capture LAB`: a live lab written as a run folder that `mxgp sim --replay` reads —
/// its topology, its active faults, and what every node knows now: routes, sessions, next-hop
/// health and queue. The replay converges the same topology with the same faults in the
/// simulator and prints every route that differs from the lab's.
public struct LabCapture: Sendable {
    public var lab: Lab

    public init(lab: Lab) { self.lab = lab }

    /// Writes the bundle into `folder` (created); returns what could not be read (nodes that
    /// did not answer), which the bundle then lacks.
    public func write(to folder: String) async throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let topology = fm.contents(atPath: lab.state.topologyFile) else {
            throw LabError("cannot read the lab's topology file \(lab.state.topologyFile); a capture needs it to replay")
        }
        try topology.write(to: URL(fileURLWithPath: folder + "/topology.yaml"))
        let faults = lab.reloaded().state.faults
        let schedule = RunSchedule(
            scenario: "capture-\(lab.name)", seed: 1, lab: lab.name, backend: lab.state.backend.description,
            schedule: faults.map { ScheduleEntry(at: 0, action: "fault", fault: $0) }, seconds: 30)
        var routes: [String: [String: RouteKey]] = [:]
        var peers: [String: [String: String]] = [:]
        var queues: [String: Int] = [:]
        var nextHops: [String: [AdminNextHop]] = [:]
        var problems: [String] = []
        for node in lab.plan.nodes.map(\.name) {
            do {
                routes[node] = try await lab.liveRoutes(node)
                peers[node] = Dictionary(try await lab.livePeers(node).map { ($0.name, $0.state) }, uniquingKeysWith: { a, _ in a })
                queues[node] = try await lab.queueDepth(node)
                nextHops[node] = try? await lab.liveNextHops(node)
            } catch {
                problems.append("\(node): \(error)")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(schedule).write(to: URL(fileURLWithPath: folder + "/schedule.json"))
        try encoder.encode(routes).write(to: URL(fileURLWithPath: folder + "/routes.json"))
        try encoder.encode(peers).write(to: URL(fileURLWithPath: folder + "/peers.json"))
        try encoder.encode(queues).write(to: URL(fileURLWithPath: folder + "/queues.json"))
        try encoder.encode(nextHops).write(to: URL(fileURLWithPath: folder + "/nexthops.json"))
        return problems
    }
}
