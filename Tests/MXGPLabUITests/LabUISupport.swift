import Foundation
import MXGPAdminAPI
import MXGPTestSupport
import MXGPTopology
import Synchronization
@testable import MXGPLab
@testable import MXGPLabUI

/// A lab backend with no processes: every node runs, answers canned admin JSON and records
/// the commands it was asked to run.
final class FakeBackend: LabBackend, Sendable {
    let kind = LabBackendKind.netns
    let commands = Mutex<[String]>([])
    func nodeBinary(_ state: LabState) -> String { "mxgp" }
    func up(_ plan: LabPlan, progress: @Sendable (String) -> Void) async throws {}
    func down(_ plan: LabPlan) async throws {}
    func exec(_ plan: LabPlan, node: String, _ argv: [String], timeout: Duration) async -> CommandResult {
        commands.withLock { $0.append("\(node): \(argv.joined(separator: " "))") }
        return CommandResult(status: 0)
    }
    func signal(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws {}
    func start(_ plan: LabPlan, node: String) async throws {}
    func state(_ plan: LabPlan, node: String) async -> NodeProcessState { .running }
    func processID(_ plan: LabPlan, node: String) async -> Int32? { nil }
    func admin(_ plan: LabPlan, node: String, method: String, path: String) async throws -> (status: Int, body: String) {
        let peers = plan.node(node)?.interfaces.map(\.peer) ?? []
        switch path {
        case AdminPath.peers:
            let list = peers.map { #"{"name": "\#($0)", "operatorNumber": 1, "address": "x", "relationship": "peer", "state": "Established", "messagesIn": 0, "messagesOut": 0, "updatesIn": 0, "updatesOut": 0, "routesReceived": 0, "routesAccepted": 0}"# }
            return (200, #"{"peers": [\#(list.joined(separator: ","))]}"#)
        case AdminPath.routes:
            return (200, try AdminJSON.encode(AdminRoutes(routes: ["bob.example": AdminRoute(nextHop: peers.first, path: [100, 64502], price: 3, localPref: 100, reason: "price")])))
        case AdminPath.nexthops: return (200, #"{"nexthops": []}"#)
        case AdminPath.queue: return (200, try AdminJSON.encode(AdminQueue(available: true, reason: nil, queue: [])))
        case AdminPath.ledger: return (200, try AdminJSON.encode(AdminLedger(available: true, reason: nil, ledger: [])))
        default:
            if path.hasPrefix(AdminPath.recentMail) { return (200, try AdminJSON.encode(AdminMailbox(address: "*", available: true, reason: nil, messages: []))) }
            return (404, #"{"error": "no"}"#)
        }
    }
}

enum LabUITestSupport {
    static let quickstart = TestBinary.repository.appendingPathComponent("Labs/quickstart.yaml").path

    /// The quickstart lab on the fake backend, with its state in a temporary folder.
    static func lab() throws -> (Lab, FakeBackend, String) {
        let folder = NSTemporaryDirectory() + "mxgp-uitest-\(UInt32.random(in: 0...UInt32.max))"
        let directory = LabDirectory(root: folder)
        let topology = try Topology.load(path: quickstart).topology
        let plan = try LabPlanner.plan(topology, layout: .rooted(at: directory.labPath(topology.name)))
        try directory.create(plan.name)
        let backend = FakeBackend()
        let lab = Lab(plan: plan, backend: backend, directory: directory,
                      state: LabState(backend: .netns, topologyFile: quickstart, binary: "mxgp", createdAt: "2026-01-01T00:00:00Z"))
        try lab.save()
        return (lab, backend, folder)
    }
}
