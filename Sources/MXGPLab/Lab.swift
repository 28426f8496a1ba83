import Foundation
import MXGPAdminAPI
import MXGPTopology

/// A lab that is up: its plan, the backend running it and its recorded state.
public struct Lab: Sendable {
    public var plan: LabPlan
    public var backend: any LabBackend
    public var directory: LabDirectory
    public var state: LabState

    public var name: String { plan.name }

    /// The node, or an error that lists the lab's nodes.
    public func node(_ name: String) throws(LabError) -> PlannedNode {
        guard let node = plan.node(name) else {
            throw LabError("lab \(plan.name) has no node \(name.debugDescription); its nodes: \(plan.nodes.map(\.name).joined(separator: ", "))")
        }
        return node
    }

    /// The lab with its state as `lab.json` has it now (another command may have added faults).
    public func reloaded() -> Lab {
        var lab = self
        if let state = try? LabState.read(from: directory.statePath(name)) { lab.state = state }
        return lab
    }

    /// Saves the state (active faults) to `lab.json`.
    public func save() throws { try state.write(to: directory.statePath(name)) }

    /// The error for an admin API question a Postfix node cannot answer.
    func noAdminAPI(_ node: String, _ what: String) -> LabError {
        LabError("\(node) runs Postfix (mta: postfix): it has no \(what); its static table is \(plan.layout.storePath(node))/etc/transport and its log \(PostfixConfig.maillog(in: plan.layout.storePath(node)))")
    }

    /// The live routes of a node (`GET /v1/routes`), reduced to next hop and path.
    public func liveRoutes(_ node: String) async throws -> [String: RouteKey] {
        if plan.runsPostfix(node) { throw noAdminAPI(node, "MXGP routes") }
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.routes)
        guard status == 200 else { throw LabError("\(node): GET /v1/routes answered \(status)") }
        return try AdminJSON.decode(AdminRoutes.self, from: body).routes.mapValues { RouteKey(nextHop: $0.nextHop, path: $0.path, reason: $0.reason) }
    }

    /// The peers of a node and their session states (`GET /v1/peers`).
    public func livePeers(_ node: String) async throws -> [(name: String, state: String)] {
        if plan.runsPostfix(node) { throw noAdminAPI(node, "MXGP sessions") }
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.peers)
        guard status == 200 else { throw LabError("\(node): GET /v1/peers answered \(status)") }
        return try AdminJSON.decode(AdminPeers.self, from: body).peers.map { ($0.name, $0.state) }
    }

    /// A node's neighbours as next hops: healthy, penalised or down (`GET /v1/nexthops`).
    public func liveNextHops(_ node: String) async throws -> [AdminNextHop] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.nexthops)
        guard status == 200 else { throw LabError("\(node): GET /v1/nexthops answered \(status)") }
        return try AdminJSON.decode(AdminNextHops.self, from: body).nexthops
    }

    /// The messages in a mailbox of a node (`GET /v1/mailbox/ADDRESS`).
    public func mailbox(_ node: String, _ address: String) async throws -> [AdminMailboxMessage] {
        if plan.runsPostfix(node) { return try await postfixState(node, address: address).messages }
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.mailbox(address))
        guard status == 200 else { throw LabError("\(node): GET /v1/mailbox/\(address) answered \(status)") }
        return try AdminJSON.decode(AdminMailbox.self, from: body).messages
    }

    /// The messages waiting in a node's queue (`GET /v1/queue`).
    public func queueEntries(_ node: String) async throws -> [AdminQueueEntry] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.queue)
        guard status == 200 else { throw LabError("\(node): GET /v1/queue answered \(status)") }
        return try AdminJSON.decode(AdminQueue.self, from: body).queue
    }

    /// The `limit` messages a node delivered last to any of its mailboxes (`GET /v1/mailbox`).
    public func recentMail(_ node: String, limit: Int) async throws -> [AdminMailboxMessage] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.recentMail(limit: limit))
        guard status == 200 else { throw LabError("\(node): GET /v1/mailbox answered \(status)") }
        return try AdminJSON.decode(AdminMailbox.self, from: body).messages
    }

    /// A node's best routes with their ranked alternates and reasons (`GET /v1/routes`).
    public func fullRoutes(_ node: String) async throws -> [String: AdminRoute] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.routes)
        guard status == 200 else { throw LabError("\(node): GET /v1/routes answered \(status)") }
        return try AdminJSON.decode(AdminRoutes.self, from: body).routes
    }

    /// Sends mail from `node`'s relay as one of its local clients (`mxgp lab send`): runs
    /// `mxgp send --server 127.0.0.1:25` inside the node. The sender defaults to
    /// `lab@<the node's first domain>`.
    public func send(from node: String, to address: String, sender: String? = nil, count: Int = 1, size: Int = 256,
                     json: Bool = false, subject: String? = nil) async throws -> CommandResult {
        let planned = try self.node(node)
        let domain = planned.config.domains.first?.text ?? "\(planned.name).\(name).lab"
        var argv = [backend.nodeBinary(state), "send", "--server", "127.0.0.1:25", "--from", sender ?? "lab@\(domain)",
                    "--to", address, "--count", String(count), "--size", String(size)]
        if let subject { argv += ["--subject", subject] }
        if json { argv.append("--json") }
        return await backend.exec(plan, node: node, argv, timeout: .seconds(600))
    }

    /// How many messages wait in a node's queue (`GET /v1/queue`).
    public func queueDepth(_ node: String) async throws -> Int {
        if plan.runsPostfix(node) { return try await postfixState(node, address: nil).queued }
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.queue)
        guard status == 200 else { throw LabError("\(node): GET /v1/queue answered \(status)") }
        return try AdminJSON.decode(AdminQueue.self, from: body).queue.count
    }

    /// A node's ledger (`GET /v1/ledger`).
    public func ledger(_ node: String) async throws -> [AdminLedgerEntry] {
        if plan.runsPostfix(node) { throw noAdminAPI(node, "ledger") }
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: AdminPath.ledger)
        guard status == 200 else { throw LabError("\(node): GET /v1/ledger answered \(status)") }
        return try AdminJSON.decode(AdminLedger.self, from: body).ledger
    }

    /// The route differences between the live nodes and `expected` (empty when they agree).
    /// A node that cannot be asked counts as one difference.
    public func routeDifferences(from expected: ExpectedRoutes, only nodes: Set<String>? = nil) async -> [String: [String]] {
        var differences: [String: [String]] = [:]
        for (node, routes) in expected.routes where !plan.runsPostfix(node) && nodes?.contains(node) != false {
            do {
                let live = try await liveRoutes(node)
                var lines: [String] = []
                for domain in Set(routes.keys).union(live.keys).sorted() where routes[domain] != live[domain] {
                    lines.append("\(domain): expected \(routes[domain]?.description ?? "no route"), has \(live[domain]?.description ?? "no route")")
                }
                if !lines.isEmpty { differences[node] = lines }
            } catch {
                differences[node] = ["not answering: \(error)"]
            }
        }
        return differences
    }
}
