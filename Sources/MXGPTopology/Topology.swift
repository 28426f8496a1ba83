import MXGPCore

/// A parsed and validated topology file (`Labs/*.yaml`): nodes and the links between them.
public struct Topology: Hashable, Sendable {
    /// The topology's name (`name:`), used for lab names.
    public var name: String
    /// Nodes in file order.
    public var nodes: [TopologyNode]
    /// Links in file order.
    public var links: [TopologyLink]
    /// Origin validation for labs and simulations (`origin-validation:`); nil when off.
    public var originValidation: TopologyOriginValidation?
    /// Settings of the topology's Postfix nodes (`postfix:`); each node may override keys.
    public var postfix: PostfixSettings = PostfixSettings()
    /// Timers for every node of the lab (`timers:`), over the lab's own.
    public var timers = TopologyTimers()

    /// A Postfix node's effective settings: the topology's `postfix:` with the node's own over it.
    public func postfixSettings(of node: String) -> PostfixSettings {
        postfix.merged(with: self.node(named: node)?.postfix)
    }

    /// Creates a topology; parse files with ``Topology/load(path:)`` and check built ones with ``Topology/diagnostics(file:)``.
    public init(name: String, nodes: [TopologyNode], links: [TopologyLink], originValidation: TopologyOriginValidation? = nil) {
        self.name = name
        self.nodes = nodes
        self.links = links
        self.originValidation = originValidation
    }

    /// The node with this name.
    public func node(named name: String) -> TopologyNode? { nodes.first { $0.name == name } }

    /// True when some contract prices or covers by country, or some node refuses destination
    /// countries: the nodes then need the registry's countries, so origin validation is on.
    public var usesCountries: Bool {
        links.contains { $0.coverage.dependsOnCountry } || nodes.contains { !$0.refuseDestinations.isEmpty }
    }

    /// The routing engine's view of `node`, announcing `nextHop` as NEXT_HOP.
    public func routingConfig(for node: TopologyNode, nextHop: String) -> LocalRoutingConfig {
        LocalRoutingConfig(
            name: node.name, operatorNumber: node.operatorNumber, role: node.role, region: node.region, nextHop: nextHop,
            ownDomains: node.domains, policy: node.policy, refuseRegions: node.refuseRegions,
            refuseDestinations: node.refuseDestinations, complaintRatePPM: node.complaintRate.initialPPM)
    }

    /// The routing engine's view of `node`'s neighbours, in link order.
    public func neighbourRoutingConfigs(of node: String) -> [NeighbourRoutingConfig] {
        neighbours(of: node).map {
            NeighbourRoutingConfig(
                name: $0.node.name, operatorNumber: $0.node.operatorNumber, relationship: $0.relationship, contractPrice: $0.price,
                coverage: $0.link.coverage, chargeback: $0.link.chargeback)
        }
    }

    /// The neighbours of `node`, in link order, each with its relationship as seen from `node`.
    public func neighbours(of node: String) -> [TopologyNeighbour] {
        var result: [TopologyNeighbour] = []
        for link in links {
            if link.a == node, let other = self.node(named: link.b) {
                result.append(TopologyNeighbour(node: other, relationship: link.aRole.complement, price: link.price, link: link))
            } else if link.b == node, let other = self.node(named: link.a) {
                result.append(TopologyNeighbour(node: other, relationship: link.aRole, price: link.price, link: link))
            }
        }
        return result
    }
}

/// One node of a topology.
public struct TopologyNode: Hashable, Sendable {
    /// `[a-z][a-z0-9-]{0,14}`.
    public var name: String
    /// The node's role (`role:`), which sets its defaults and the inferred link relationships.
    public var role: NodeRole
    /// The operator number (`operator:`), unique in the topology, never 0.
    public var operatorNumber: OperatorNumber
    /// The node's region (`region:`).
    public var region: Region
    /// Domains this node originates (colos usually have one or more), including `hijacked`.
    public var domains: [DomainName]
    /// Domains of other nodes this node originates on purpose (`hijack:`, the hijack exercise):
    /// no duplicate-domain warning, and never authorised for this node in a lab's origin registry.
    public var hijacked: [DomainName] = []
    /// Import and export policy for this node.
    public var policy: NodePolicy
    /// Regions whose mail this node refuses (announced as REGION_POLICY).
    public var refuseRegions: [Region]
    /// The countries its domains are in, as the lab's origin registry records them
    /// (`countries:`); empty: the node's region.
    public var countries: [Country] = []
    /// Destination countries this node will not deliver to (`refuse-destinations:`, "won't
    /// talk to"): it exports no route for a domain in one of them.
    public var refuseDestinations: [Country] = []
    /// How the node learns the expected complaint rate it weighs chargebacks with.
    public var complaintRate = ComplaintRateSettings()
    /// When the node calls itself overloaded and marks its routes DRAINING (`overload:`,
    /// written into its node config by the lab and run by the simulator); nil: never.
    public var overload: OverloadSettings?
    /// The mail transfer agent the lab runs for this node (`mta:`, default mxgp).
    public var mta: MTA = .mxgp
    /// This node's own `postfix:` keys (over the topology's), for `mta: postfix`.
    public var postfix: PostfixSettings?
    /// Line of the node's `postfix:` (or `mta:`) in the topology file, for error messages (0 if unknown).
    public var postfixLine: Int = 0
    /// Line in the topology file, for error messages (0 if unknown).
    public var line: Int

    /// Creates a node.
    public init(
        name: String, role: NodeRole, operatorNumber: OperatorNumber, region: Region, domains: [DomainName] = [],
        policy: NodePolicy = NodePolicy(), refuseRegions: [Region] = [], line: Int = 0
    ) {
        self.name = name
        self.role = role
        self.operatorNumber = operatorNumber
        self.region = region
        self.domains = domains
        self.policy = policy
        self.refuseRegions = refuseRegions
        self.line = line
    }
}

/// How a node learns its expected complaint rate (`expected-complaint-rate:`,
/// `complaint-rate-weight:`; PROTOCOL.md §9.3): it starts at `prior` and moves toward the rate
/// its ledger records, `(complaints + prior × weight) / (sent + weight)`.
public struct ComplaintRateSettings: Hashable, Sendable {
    /// The rate before anything was sent, as a fraction (0.01: one complaint per hundred messages).
    public var prior: Double
    /// How many messages the prior counts for.
    public var weight: Int

    /// The default weight: the prior counts as a hundred messages.
    public static let defaultWeight = 100

    /// Creates settings.
    public init(prior: Double = 0, weight: Int = ComplaintRateSettings.defaultWeight) {
        self.prior = prior
        self.weight = weight
    }

    /// The rate in parts per million with nothing sent yet.
    public var initialPPM: UInt32 { ExpectedCost.ratePPM(complaints: 0, sent: 0, prior: prior, weight: weight) }

    /// The learned rate in parts per million.
    public func ratePPM(complaints: Int, sent: Int) -> UInt32 {
        ExpectedCost.ratePPM(complaints: complaints, sent: sent, prior: prior, weight: weight)
    }
}

/// Impairment applied to a link when a lab comes up.
public struct LinkImpairment: Hashable, Sendable {
    /// Added delay in milliseconds (`delay: 20ms`).
    public var delayMilliseconds: Int?
    /// Delay variation in milliseconds (`jitter: 5ms`); needs a delay.
    public var jitterMilliseconds: Int?
    /// Packet loss in percent (0–100).
    public var lossPercent: Double?
    /// Rate limit in kilobits per second.
    public var rateKbit: Int?

    /// Creates an impairment; nil fields are not applied.
    public init(delayMilliseconds: Int? = nil, jitterMilliseconds: Int? = nil, lossPercent: Double? = nil, rateKbit: Int? = nil) {
        self.delayMilliseconds = delayMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
        self.lossPercent = lossPercent
        self.rateKbit = rateKbit
    }
}

/// One link between two nodes.
public struct TopologyLink: Hashable, Sendable {
    /// The first node's name (`a:`).
    public var a: String
    /// The second node's name (`b:`).
    public var b: String
    /// a's role toward b (`customer` means a buys transit from b).
    public var aRole: Relationship
    /// Contract price per message, paid by the customer side (0 when not set).
    public var price: UInt32
    /// Chargeback per spam complaint (`chargeback:`), booked by each end against the other for
    /// complained-about mail it received over this link (0 when not set); the provider
    /// announces it to the customer as CHARGEBACK.
    public var chargeback: UInt32 = 0
    /// The countries the provider's contract covers and their prices (`covers:`, `price:` by
    /// country); `price` is the default.
    public var coverage: ContractCoverage = .everywhere
    /// Most messages per minute each end accepts from the other (`rate-limit:`); 0: no limit.
    public var rateLimit: UInt32 = 0
    /// Largest message in bytes each end accepts from the other (`max-size:`); nil: the node default.
    public var maxSize: UInt32?
    /// Impairment applied when a lab comes up (`impairment:`).
    public var impairment: LinkImpairment?
    /// Line in the topology file (0 if unknown).
    public var line: Int

    /// Creates a link.
    public init(a: String, b: String, aRole: Relationship, price: UInt32 = 0, impairment: LinkImpairment? = nil, line: Int = 0) {
        self.a = a
        self.b = b
        self.aRole = aRole
        self.price = price
        self.impairment = impairment
        self.line = line
    }
}

/// A neighbour of a node, seen from that node.
public struct TopologyNeighbour: Hashable, Sendable {
    /// The neighbouring node.
    public var node: TopologyNode
    /// What the neighbour is to the local node.
    public var relationship: Relationship
    /// The link's contract price.
    public var price: UInt32
    /// The link between the two nodes.
    public var link: TopologyLink
}
