import MXGPCore
import MXGPTopology

/// A topology indexed for the propagation solver (``RouteSolver``): every node's routing
/// configuration as the simulation gives it to its ``RoutingEngine``, and its neighbours in
/// compressed rows (CSR), in the engine's neighbour order (link order), so neighbour indices,
/// and with them the decision's last tie-break, are the engine's.
public struct RouteSolverGraph: Sendable {
    /// Node names in topology order.
    public let names: [String]
    /// Each node's routing configuration (``Topology/routingConfig(for:nextHop:)``, NEXT_HOP `<name>:25`).
    public let locals: [LocalRoutingConfig]
    /// `locals`, boxed for the solver's loop.
    let localBoxes: [LocalConfigBox]
    /// `localBoxes`, unretained, for the solver's view (``SolverView``).
    let localRefs: [Unmanaged<LocalConfigBox>]
    /// Neighbours of node `n` are the slots `offsets[n] ..< offsets[n + 1]`.
    public let offsets: [Int32]
    /// Per slot: the neighbouring node.
    public let neighbourNode: [Int32]
    /// Per slot: the same link's slot at the neighbour (where routes from this node arrive).
    public let reverseSlot: [Int32]
    /// Per slot: the neighbour's configuration as the node's engine holds it.
    public let configs: [NeighbourRoutingConfig]
    /// Per slot: `reverseSlot[slot]`'s index among the neighbour's slots (its neighbour index).
    public let reverseIndex: [Int32]
    /// Per slot: `configs[slot].relationship`, compact, for the solver's valley-free check.
    public let relationships: [Relationship]
    /// Per slot: false when the link is down (``init(topology:failedLinks:failedNodes:)``).
    public let slotUp: [Bool]
    /// Per node: false when the node is down.
    public let nodeUp: [Bool]
    /// The nodes originating each domain, in topology order.
    public let origins: [DomainName: [Int32]]
    /// Every domain some node originates, in topology order (first origin's order).
    public let domains: [DomainName]
    /// The origin registry the nodes validate with (the topology's `origin-validation:`).
    public let originRegistry: OriginRegistry?

    /// Indexes `topology`; links in `failedLinks` and links of nodes in `failedNodes` are down
    /// (they keep their neighbour slots, as a failed session keeps its engine slot).
    public init(topology: Topology, failedLinks: Set<SimLink> = [], failedNodes: Set<String> = []) {
        let count = topology.nodes.count
        var index: [String: Int32] = [:]
        index.reserveCapacity(count)
        for (i, node) in topology.nodes.enumerated() where index[node.name] == nil { index[node.name] = Int32(i) }
        names = topology.nodes.map(\.name)
        locals = topology.nodes.map { topology.routingConfig(for: $0, nextHop: "\($0.name):25") }
        localBoxes = locals.map(LocalConfigBox.init)
        localRefs = localBoxes.map { Unmanaged.passUnretained($0) }
        nodeUp = topology.nodes.map { !failedNodes.contains($0.name) }
        let usable = topology.links.compactMap { link -> (Int32, Int32, TopologyLink)? in
            guard let a = index[link.a], let b = index[link.b], a != b else { return nil }
            return (a, b, link)
        }
        var degree = [Int32](repeating: 0, count: count + 1)
        for (a, b, _) in usable {
            degree[Int(a)] += 1
            degree[Int(b)] += 1
        }
        var offsets = [Int32](repeating: 0, count: count + 1)
        for n in 0..<count { offsets[n + 1] = offsets[n] + degree[n] }
        var fill = Array(offsets.dropLast())
        let slots = Int(offsets[count])
        var neighbourNode = [Int32](repeating: -1, count: slots)
        var reverseSlot = [Int32](repeating: -1, count: slots)
        var configs: [NeighbourRoutingConfig?] = Array(repeating: nil, count: slots)
        var slotUp = [Bool](repeating: true, count: slots)
        let nodes = topology.nodes
        for (a, b, link) in usable {
            let sa = fill[Int(a)], sb = fill[Int(b)]
            fill[Int(a)] += 1
            fill[Int(b)] += 1
            neighbourNode[Int(sa)] = b
            neighbourNode[Int(sb)] = a
            reverseSlot[Int(sa)] = sb
            reverseSlot[Int(sb)] = sa
            configs[Int(sa)] = Self.config(of: nodes[Int(b)], relationship: link.aRole.complement, link: link)
            configs[Int(sb)] = Self.config(of: nodes[Int(a)], relationship: link.aRole, link: link)
            let up = !failedLinks.contains(SimLink(link.a, link.b)) && !failedNodes.contains(link.a) && !failedNodes.contains(link.b)
            slotUp[Int(sa)] = up
            slotUp[Int(sb)] = up
        }
        self.offsets = offsets
        self.neighbourNode = neighbourNode
        self.reverseSlot = reverseSlot
        self.configs = configs.map { $0! }
        relationships = self.configs.map(\.relationship)
        reverseIndex = (0..<slots).map { reverseSlot[$0] - offsets[Int(neighbourNode[$0])] }
        self.slotUp = slotUp
        var origins: [DomainName: [Int32]] = [:]
        var domains: [DomainName] = []
        for (i, node) in topology.nodes.enumerated() {
            for domain in node.domains {
                if origins[domain] == nil { domains.append(domain) }
                origins[domain, default: []].append(Int32(i))
            }
        }
        self.origins = origins
        self.domains = domains
        self.originRegistry = topology.originRegistry
    }

    /// The engine's view of a neighbour (``Topology/neighbourRoutingConfigs(of:)``).
    static func config(of node: TopologyNode, relationship: Relationship, link: TopologyLink) -> NeighbourRoutingConfig {
        NeighbourRoutingConfig(
            name: node.name, operatorNumber: node.operatorNumber, relationship: relationship, contractPrice: link.price,
            coverage: link.coverage, chargeback: link.chargeback)
    }

    /// Number of nodes.
    public var nodeCount: Int { names.count }

    /// The node with this name.
    public func node(named name: String) -> Int? { names.firstIndex(of: name) }
}
