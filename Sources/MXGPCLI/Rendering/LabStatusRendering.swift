import MXGPAdminAPI

/// What `mxgp lab status` shows: one row per node, and the lab's faults.
struct LabStatus: Encodable, Sendable, Hashable {
    /// One node's process, sessions, routes, queue and next hops.
    struct NodeRow: Encodable, Sendable, Hashable {
        var name: String
        var role: String
        var process: String
        var sessionsUp: Int
        var sessions: Int
        var routes: Int
        var routesAsExpected: Bool
        var queue: Int?
        /// The next hops that are not healthy; nil when the node was not asked or did not answer.
        var unhealthyNextHops: [NextHopProblem]?
    }

    /// A next hop that is penalised or down.
    struct NextHopProblem: Encodable, Sendable, Hashable {
        var neighbour: String
        var state: String
        var consecutiveFailures: Int
        var penaltyLeftSeconds: Int
        var lastError: String?

        /// The entries of `nexthops` that are not healthy.
        static func unhealthy(_ nexthops: [AdminNextHop]) -> [NextHopProblem] {
            nexthops.filter { $0.state != "healthy" }.map {
                NextHopProblem(neighbour: $0.neighbour, state: $0.state, consecutiveFailures: $0.consecutiveFailures,
                               penaltyLeftSeconds: $0.penaltyLeftSeconds, lastError: $0.lastError)
            }
        }

        /// `up1 penalised 12s`, `up2 down`.
        var summary: String {
            state == "penalised" && penaltyLeftSeconds > 0 ? "\(neighbour) \(state) \(penaltyLeftSeconds)s" : "\(neighbour) \(state)"
        }
    }

    var lab: String
    var backend: String
    var converged: Bool
    var faults: [String]
    var nodes: [NodeRow]
}

extension LabRendering {
    /// `mxgp lab status`: the node table, then a summary line. NEXT HOPS lists the
    /// unhealthy next hops (`ok` when all are healthy, `-` when the node was not asked).
    static func status(_ status: LabStatus) -> String {
        var table = TextTable(["NODE", "ROLE", "PROCESS", "SESSIONS", "ROUTES", "AS SIMULATED", "QUEUE", "NEXT HOPS"])
        for row in status.nodes {
            let nextHops = row.unhealthyNextHops.map { $0.isEmpty ? "ok" : $0.map(\.summary).joined(separator: ", ") } ?? "-"
            table.add([row.name, row.role, row.process, "\(row.sessionsUp)/\(row.sessions)", String(row.routes),
                       row.process != "running" ? "-" : row.routesAsExpected ? "yes" : "no", row.queue.map(String.init) ?? "-", nextHops])
        }
        return table.render()
            + "\nlab \(status.lab) (\(status.backend)): "
            + (status.nodes.allSatisfy { $0.role.hasSuffix("(postfix)") } ? "Postfix nodes with static tables, no routing protocol"
               : status.converged ? "routes as simulated" : "routes differ from the simulation")
            + "; faults: " + (status.faults.isEmpty ? "none" : status.faults.joined(separator: ", ")) + "\n"
    }
}
