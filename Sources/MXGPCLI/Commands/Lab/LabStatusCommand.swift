import ArgumentParser
import Foundation
import MXGPLab

/// `mxgp lab status LAB [--json]`.
struct LabStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each node's process, sessions, routes, queue depth and unhealthy next hops, and the active faults.")

    @Argument(help: "The lab name.") var lab: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: LabOptions

    func run() async throws {
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let expected = lab.expectedRoutes()
            var rows: [LabStatus.NodeRow] = []
            for node in lab.plan.nodes {
                let process = await lab.backend.state(lab.plan, node: node.name)
                var row = LabStatus.NodeRow(name: node.name, role: node.role.rawValue, process: process.rawValue, sessionsUp: 0,
                                            sessions: node.interfaces.count, routes: 0, routesAsExpected: false, queue: nil)
                if lab.plan.runsPostfix(node.name) {
                    // Postfix (mta: postfix): no sessions or routes to compare; a static table counts as "as simulated".
                    row.role += " (postfix)"
                    row.sessions = 0
                    row.routesAsExpected = true
                    if process == .running { row.queue = try? await lab.queueDepth(node.name) }
                } else if process == .running {
                    let peers = (try? await lab.livePeers(node.name)) ?? []
                    row.sessionsUp = peers.filter { $0.state.lowercased() == "established" }.count
                    let routes = try? await lab.liveRoutes(node.name)
                    row.routes = routes?.count ?? 0
                    row.routesAsExpected = routes != nil && routes == expected.routes[node.name]
                    row.queue = try? await lab.queueDepth(node.name)
                    row.unhealthyNextHops = (try? await lab.liveNextHops(node.name)).map(LabStatus.NextHopProblem.unhealthy)
                }
                rows.append(row)
            }
            let status = LabStatus(lab: lab.name, backend: lab.state.backend.rawValue, converged: rows.allSatisfy { $0.routesAsExpected || $0.process != "running" },
                                   faults: lab.state.faults.map(\.description), nodes: rows)
            print(json ? try JSONOutput.render(status) : LabRendering.status(status), terminator: json ? "\n" : "")
        }
    }
}
