import ArgumentParser
import Foundation
import MXGPLab

/// `mxgp lab status LAB [--json]`.
struct LabStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each node's process, sessions, routes and queue depth, and the active faults.")

    @Argument(help: "The lab name.") var lab: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: LabOptions

    struct NodeRow: Encodable {
        var name: String
        var role: String
        var process: String
        var sessionsUp: Int
        var sessions: Int
        var routes: Int
        var routesAsExpected: Bool
        var queue: Int?
    }

    struct Output: Encodable {
        var lab: String
        var backend: String
        var converged: Bool
        var faults: [String]
        var nodes: [NodeRow]
    }

    func run() async throws {
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let expected = lab.expectedRoutes()
            var rows: [NodeRow] = []
            for node in lab.plan.nodes {
                let process = await lab.backend.state(lab.plan, node: node.name)
                var row = NodeRow(name: node.name, role: node.role.rawValue, process: process.rawValue, sessionsUp: 0,
                                  sessions: node.interfaces.count, routes: 0, routesAsExpected: false, queue: nil)
                if process == .running {
                    let peers = (try? await lab.livePeers(node.name)) ?? []
                    row.sessionsUp = peers.filter { $0.state.lowercased() == "established" }.count
                    let routes = try? await lab.liveRoutes(node.name)
                    row.routes = routes?.count ?? 0
                    row.routesAsExpected = routes != nil && routes == expected.routes[node.name]
                    row.queue = try? await lab.queueDepth(node.name)
                }
                rows.append(row)
            }
            let output = Output(lab: lab.name, backend: lab.state.backend.rawValue, converged: rows.allSatisfy { $0.routesAsExpected || $0.process != "running" },
                                faults: lab.state.faults.map(\.description), nodes: rows)
            if json {
                print(try JSONOutput.render(output))
                return
            }
            var table = TextTable(["NODE", "ROLE", "PROCESS", "SESSIONS", "ROUTES", "AS SIMULATED", "QUEUE"])
            for row in rows {
                table.add([row.name, row.role, row.process, "\(row.sessionsUp)/\(row.sessions)", String(row.routes),
                           row.process != "running" ? "-" : row.routesAsExpected ? "yes" : "no", row.queue.map(String.init) ?? "-"])
            }
            print(table.render(), terminator: "")
            print("\nlab \(lab.name) (\(lab.state.backend)): " + (output.converged ? "routes as simulated" : "routes differ from the simulation")
                  + "; faults: " + (output.faults.isEmpty ? "none" : output.faults.joined(separator: ", ")))
        }
    }
}
