import Foundation
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

    /// The live routes of a node (`GET /v1/routes`), reduced to next hop and path.
    public func liveRoutes(_ node: String) async throws -> [String: RouteKey] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: "/v1/routes")
        guard status == 200 else { throw LabError("\(node): GET /v1/routes answered \(status)") }
        return try JSONDecoder().decode(LiveRoutes.self, from: Data(body.utf8)).routes.mapValues { RouteKey(nextHop: $0.nextHop, path: $0.path) }
    }

    /// The peers of a node and their session states (`GET /v1/peers`).
    public func livePeers(_ node: String) async throws -> [(name: String, state: String)] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: "/v1/peers")
        guard status == 200 else { throw LabError("\(node): GET /v1/peers answered \(status)") }
        return try JSONDecoder().decode(LivePeers.self, from: Data(body.utf8)).peers.map { ($0.name, $0.state) }
    }

    /// The messages in a mailbox of a node (`GET /v1/mailbox/ADDRESS`).
    public func mailbox(_ node: String, _ address: String) async throws -> [LiveMailboxMessage] {
        let escaped = address.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? address
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: "/v1/mailbox/\(escaped)")
        guard status == 200 else { throw LabError("\(node): GET /v1/mailbox/\(address) answered \(status)") }
        return try JSONDecoder().decode(LiveMailbox.self, from: Data(body.utf8)).messages
    }

    /// How many messages wait in a node's queue (`GET /v1/queue`).
    public func queueDepth(_ node: String) async throws -> Int {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: "/v1/queue")
        guard status == 200 else { throw LabError("\(node): GET /v1/queue answered \(status)") }
        return try JSONDecoder().decode(LiveQueue.self, from: Data(body.utf8)).queue.count
    }

    /// A node's ledger (`GET /v1/ledger`).
    public func ledger(_ node: String) async throws -> [LiveLedgerEntry] {
        let (status, body) = try await backend.admin(plan, node: node, method: "GET", path: "/v1/ledger")
        guard status == 200 else { throw LabError("\(node): GET /v1/ledger answered \(status)") }
        return try JSONDecoder().decode(LiveLedger.self, from: Data(body.utf8)).ledger
    }

    /// The route differences between the live nodes and `expected` (empty when they agree).
    /// A node that cannot be asked counts as one difference.
    public func routeDifferences(from expected: ExpectedRoutes) async -> [String: [String]] {
        var differences: [String: [String]] = [:]
        for (node, routes) in expected.routes {
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

struct LiveRoutes: Decodable {
    struct Route: Decodable {
        var nextHop: String?
        var path: [UInt32]
    }
    var routes: [String: Route]
}

struct LivePeers: Decodable {
    struct Peer: Decodable {
        var name: String
        var state: String
    }
    var peers: [Peer]
}

struct LiveFaults: Decodable {
    var smtpTempfailPercent: Int
}

struct LiveQueue: Decodable {
    struct Entry: Decodable { var id: String }
    var queue: [Entry]
}

/// A message in a lab node's mailbox, as the admin API shows it.
public struct LiveMailboxMessage: Decodable, Sendable, Hashable {
    public var messageId: String
    public var subject: String
    public var receivedAt: String
    public var hops: [String]
}

struct LiveMailbox: Decodable {
    var messages: [LiveMailboxMessage]
}

/// One neighbour's account in a lab node's ledger.
public struct LiveLedgerEntry: Decodable, Sendable, Hashable {
    public var neighbour: String
    public var messagesIn: Int
    public var messagesOut: Int
    public var owed: Int
    public var earned: Int
    public var chargebacks: Int?
    public var complaints: Int?
}

struct LiveLedger: Decodable {
    var ledger: [LiveLedgerEntry]
}
