import MXGPAdminAPI
import MXGPLab
import MXGPTopology

/// `GET /api/lab`: the lab's fixed picture (nodes, links, layout) and its live state now.
public struct LabUITopology: Codable, Sendable, Hashable {
    public struct Node: Codable, Sendable, Hashable {
        public var name: String
        public var role: String
        public var operatorNumber: String
        public var region: String
        public var domains: [String]
    }

    /// A link drawn from customer to provider (`peer` links from a to b).
    public struct Link: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
        /// `transit` (customer to provider) or `peer`.
        public var relationship: String
        public var price: UInt32
    }

    public var name: String
    public var backend: String
    public var nodes: [Node]
    public var links: [Link]
    public var layout: LabUILayout
    public var snapshot: LabUISnapshot
    public var sequence: Int

    /// The picture of `plan`'s topology with `layout`.
    public init(plan: LabPlan, backend: String, layout: LabUILayout, snapshot: LabUISnapshot = LabUISnapshot(), sequence: Int = 0) {
        name = plan.name
        self.backend = backend
        nodes = plan.topology.nodes.map {
            Node(name: $0.name, role: $0.role.rawValue, operatorNumber: "\($0.operatorNumber)", region: $0.region.description, domains: $0.domains.map(\.text))
        }
        links = plan.topology.links.map { link in
            switch link.aRole {
            case .customer: return Link(from: link.a, to: link.b, relationship: "transit", price: link.price)
            case .provider: return Link(from: link.b, to: link.a, relationship: "transit", price: link.price)
            case .peer: return Link(from: link.a, to: link.b, relationship: "peer", price: link.price)
            }
        }
        self.layout = layout
        self.snapshot = snapshot
        self.sequence = sequence
    }
}

/// `GET /api/nodes/NAME`: what a click on a node shows. Each part the node did not give is
/// nil, and `problems` says why.
public struct LabUINodeDetail: Codable, Sendable, Hashable {
    public var name: String
    public var role: String
    public var operatorNumber: String
    public var domains: [String]
    public var process: String
    public var routes: [String: AdminRoute]?
    public var nexthops: [AdminNextHop]?
    public var queue: [AdminQueueEntry]?
    public var ledger: [AdminLedgerEntry]?
    public var problems: [String]

    /// Asks `node` of `lab` for everything at once.
    public static func load(_ lab: Lab, node name: String) async throws(LabUIError) -> LabUINodeDetail {
        guard let node = lab.plan.topology.nodes.first(where: { $0.name == name }) else {
            throw LabUIError(404, "lab \(lab.name) has no node \(String(name.prefix(64)).debugDescription); its nodes: \(lab.plan.nodes.map(\.name).joined(separator: ", "))")
        }
        let process = await lab.backend.state(lab.plan, node: name)
        var detail = LabUINodeDetail(name: name, role: node.role.rawValue, operatorNumber: "\(node.operatorNumber)", domains: node.domains.map(\.text),
                                     process: process.rawValue, problems: [])
        guard process == .running else {
            detail.problems.append("\(name) is \(process.rawValue): it answers nothing")
            return detail
        }
        async let routes = Result.capture { try await lab.fullRoutes(name) }
        async let nexthops = Result.capture { try await lab.liveNextHops(name) }
        async let queue = Result.capture { try await lab.queueEntries(name) }
        async let ledger = Result.capture { try await lab.ledger(name) }
        func keep<T>(_ result: Result<T, any Error>, _ what: String) -> T? {
            switch result {
            case .success(let value): return value
            case .failure(let error):
                detail.problems.append("\(what): \(error)")
                return nil
            }
        }
        detail.routes = keep(await routes, "routes")
        detail.nexthops = keep(await nexthops, "next hops")
        detail.queue = keep(await queue, "queue")
        detail.ledger = keep(await ledger, "ledger")
        return detail
    }
}

extension Result where Failure == any Error {
    static func capture(_ body: () async throws -> Success) async -> Result {
        do { return .success(try await body()) } catch { return .failure(error) }
    }
}
