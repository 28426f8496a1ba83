import MXGPCore
import MXGPTopology

/// Why a topology cannot become a lab.
public struct LabPlanError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Turns a topology into a ``LabPlan``: the same topology always gives the same plan.
public enum LabPlanner {
    /// Fast liveness used by lab nodes, so a silent neighbour is noticed within a second.
    public static let fastLivenessMilliseconds: UInt16 = 300
    /// Labs with more nodes than this are big: their nodes get ``bigLabTimers``.
    public static let bigLabNodes = 200
    /// Hold time of big labs' nodes (keepalive every 5 s).
    public static let bigLabHoldTime: UInt16 = 15
    /// How long big labs' nodes gather route changes before sending them (BGP's MRAI).
    public static let bigLabAdvertisementInterval: Duration = .seconds(1)

    /// The session timers of a lab's nodes. Small labs: the lab profile with fast liveness
    /// (a silent neighbour is noticed within a second). Big labs (over ``bigLabNodes`` nodes):
    /// no fast liveness and a 15 s hold time, so a thousand idle nodes' keepalives stay far
    /// below a core (a paused node is noticed after up to 15 s instead), and route changes
    /// gathered for a second before they are sent, so the domains of nodes joining one after
    /// another share UPDATEs instead of costing one each on every link (a change then takes
    /// up to a second more per hop).
    public static func timers(nodeCount: Int) -> NodeConfig.Timers {
        var timers = NodeConfig.Timers.lab
        if nodeCount > bigLabNodes {
            timers.holdTime = bigLabHoldTime
            timers.advertisementInterval = bigLabAdvertisementInterval
        } else {
            timers.fastLivenessMilliseconds = fastLivenessMilliseconds
        }
        return timers
    }

    /// Lab names are used in namespace, network and folder names.
    public static func validateLabName(_ name: String) throws(LabPlanError) {
        let ok = !name.isEmpty && name.utf8.count <= 24
            && name.utf8.first.map { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) } == true
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard ok else {
            throw LabPlanError(description: "lab name \(name.debugDescription) cannot be used: it must be 1–24 characters of a-z, 0-9 and '-', starting with a letter or digit; change the topology's name:")
        }
    }

    /// Plans `topology` with node files in `layout`.
    ///
    /// `block` is the lab's address block (``LabAddressing/blocks``): container labs up at once
    /// share the host's address space, so each gets its own.
    public static func plan(_ topology: Topology, layout: LabLayout, block: Int = 0) throws(LabPlanError) -> LabPlan {
        try validateLabName(topology.name)
        guard topology.links.count <= LabAddressing.maximumLinks, topology.nodes.count <= LabAddressing.maximumNodes else {
            throw LabPlanError(description: "topology \(topology.name) is too large for a lab: at most \(LabAddressing.maximumLinks) links and \(LabAddressing.maximumNodes) nodes")
        }
        let links = topology.links.enumerated().map { index, link in
            PlannedLink(index: index, a: link.a, b: link.b, subnet: LabAddressing.linkSubnet(index, block: block), impairment: link.impairment)
        }
        let serviceAddress = Dictionary(uniqueKeysWithValues: topology.nodes.enumerated().map { ($1.name, LabAddressing.serviceAddress($0)) })
        let nodes = topology.nodes.enumerated().map { index, node in
            let interfaces = plannedInterfaces(of: node.name, links: links, serviceAddress: serviceAddress, block: block)
            return PlannedNode(
                name: node.name, index: index, role: node.role, namespace: LabPlan.namespace(lab: topology.name, node: node.name),
                serviceAddress: serviceAddress[node.name]!, interfaces: interfaces,
                config: config(for: node, in: topology, interfaces: interfaces, service: serviceAddress[node.name]!, layout: layout))
        }
        return LabPlan(name: topology.name, topology: topology, nodes: nodes, links: links, layout: layout, block: block)
    }

    static func plannedInterfaces(of node: String, links: [PlannedLink], serviceAddress: [String: String], block: Int) -> [PlannedInterface] {
        var used: Set<String> = ["lo"]
        return links.filter { $0.a == node || $0.b == node }.map { link in
            let peer = link.other(node)
            let name = used.contains(peer) ? "l\(link.index)" : peer
            used.insert(name)
            return PlannedInterface(
                name: name, peer: peer, address: LabAddressing.linkAddress(link.index, isA: link.isA(node), block: block),
                peerAddress: LabAddressing.linkAddress(link.index, isA: !link.isA(node), block: block),
                peerServiceAddress: serviceAddress[peer] ?? "", link: link.index)
        }
    }

    /// The contract a node keeps with one neighbour, from the link.
    static func contract(for neighbour: TopologyNeighbour) -> NodeConfig.Contract {
        var contract = NodeConfig.Contract(
            price: neighbour.price, chargeback: neighbour.link.chargeback, rateLimit: neighbour.link.rateLimit,
            maxSize: neighbour.link.maxSize ?? NodeConfig.defaultMaximumMessageSize)
        contract.coverage = neighbour.link.coverage
        return contract
    }

    static func config(for node: TopologyNode, in topology: Topology, interfaces: [PlannedInterface], service: String, layout: LabLayout) -> NodeConfig {
        let neighbours = topology.neighbours(of: node.name).map { neighbour in
            let interface = interfaces.first { $0.peer == neighbour.node.name }
            return NodeConfig.NeighbourConfig(
                name: neighbour.node.name, operatorNumber: neighbour.node.operatorNumber,
                address: interface.map { HostPort(host: $0.peerAddress, port: NodeConfig.defaultMXGPPort) },
                relationship: neighbour.relationship,
                contract: contract(for: neighbour),
                // next-hop-self: mail from this neighbour comes to our address on the link between
                // us, which every backend reaches without routing (Docker's isolation rules drop
                // bridged packets to addresses outside a network's subnet; overlays know only theirs).
                nextHop: interface.map { HostPort(host: $0.address, port: NodeConfig.defaultSMTPPort) })
        }
        let timers = topology.timers.applied(to: timers(nodeCount: topology.nodes.count))
        var config = NodeConfig(
            name: node.name, operatorNumber: node.operatorNumber, region: node.region, role: node.role, domains: node.domains,
            listen: NodeConfig.Listen(admin: layout.adminSocket(node.name)),
            smtpEndpoint: HostPort(host: service, port: NodeConfig.defaultSMTPPort),
            neighbours: neighbours, policy: node.policy, refuseRegions: node.refuseRegions, timers: timers,
            tls: NodeConfig.TLSFiles(certificate: "\(layout.pkiDirectory)/\(node.name).pem",
                                     key: "\(layout.pkiDirectory)/\(node.name).key", ca: "\(layout.pkiDirectory)/ca.pem",
                                     keyLog: layout.keyLogPath(node.name)),
            originValidation: topology.originValidation.map { _ in
                NodeConfig.OriginValidationFiles(
                    registry: "\(layout.pkiDirectory)/\(LabLayout.registryFile)", publicKey: "\(layout.pkiDirectory)/\(LabLayout.registryPublicKeyFile)")
            },
            store: layout.storePath(node.name), overload: node.overload)
        config.refuseDestinations = node.refuseDestinations
        config.complaintRate = node.complaintRate
        return config
    }
}
