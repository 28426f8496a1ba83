import MXGPCore
import MXGPTopology

/// Where a backend keeps each node's files, as the node sees them (host paths for `netns`,
/// container paths for `compose`).
public struct LabLayout: Hashable, Sendable {
    /// Folder of the certificates (`ca.pem`, `<node>.pem`, `<node>.key`).
    public var pkiDirectory: String
    /// Builds a node's config file path from its name.
    public var configDirectory: String
    /// Folder holding one state folder per node (`<node>/`).
    public var stateDirectory: String
    /// Folder of the admin sockets (`<node>.sock`).
    public var socketDirectory: String

    /// Creates a layout from its folders.
    public init(pkiDirectory: String, configDirectory: String, stateDirectory: String, socketDirectory: String) {
        self.pkiDirectory = pkiDirectory
        self.configDirectory = configDirectory
        self.stateDirectory = stateDirectory
        self.socketDirectory = socketDirectory
    }

    /// The signed origin registry in the PKI folder (labs with `origin-validation:`).
    public static let registryFile = "registry.json"
    /// The public key nodes verify the registry with.
    public static let registryPublicKeyFile = "registry.pub"
    /// The lab's registry signing key (private; never inside a node's view in compose labs).
    public static let registryKeyFile = "registry.key"

    /// Everything under one folder: `pki/`, `nodes/<node>.yaml`, `state/<node>/`, `run/<node>.sock`.
    public static func rooted(at root: String) -> LabLayout {
        LabLayout(pkiDirectory: root + "/pki", configDirectory: root + "/nodes", stateDirectory: root + "/state",
                  socketDirectory: root + "/run")
    }

    /// The node's config file.
    public func configPath(_ node: String) -> String { "\(configDirectory)/\(node).yaml" }
    /// The node's store folder.
    public func storePath(_ node: String) -> String { "\(stateDirectory)/\(node)" }
    /// The node's admin socket.
    public func adminSocket(_ node: String) -> String { "\(socketDirectory)/\(node).sock" }
    /// Where a lab node appends its TLS session secrets (SSLKEYLOGFILE format) for `mxgp lab pcap`.
    public func keyLogPath(_ node: String) -> String { "\(stateDirectory)/\(node)-tls-keys.log" }
}

/// One topology resolved for running: names, addresses, interfaces and node configs.
/// Every backend brings up the same plan; ``LabPlanner`` builds it, deterministically.
public struct LabPlan: Sendable {
    /// The lab name (the topology's name): `[a-z0-9][a-z0-9-]{0,23}`.
    public var name: String
    /// The topology the plan was made from.
    public var topology: Topology
    /// Nodes in topology order.
    public var nodes: [PlannedNode]
    /// Links in topology order.
    public var links: [PlannedLink]
    /// Where the node files are, as the nodes see them.
    public var layout: LabLayout
    /// The address block the links' subnets come from (``LabAddressing/blocks``).
    public var block: Int = 0

    /// The planned node with this name.
    public func node(_ name: String) -> PlannedNode? { nodes.first { $0.name == name } }

    /// The link between `a` and `b` (either order).
    public func link(_ a: String, _ b: String) -> PlannedLink? {
        links.first { ($0.a == a && $0.b == b) || ($0.a == b && $0.b == a) }
    }

    /// Whether the node runs Postfix (`mta: postfix`) rather than `mxgp node`.
    public func runsPostfix(_ node: String) -> Bool { topology.node(named: node)?.mta == .postfix }

    /// The network namespace name of a node in lab `lab`: `mxgp-<lab>-<node>`.
    public static func namespace(lab: String, node: String) -> String { "mxgp-\(lab)-\(node)" }
}

/// A node of a plan.
public struct PlannedNode: Sendable, Hashable {
    /// The node name.
    public var name: String
    /// Position in the topology (decides the service address).
    public var index: Int
    /// The node's role.
    public var role: NodeRole
    /// The network namespace (netns backend) or service name (compose).
    public var namespace: String
    /// The /32 on the node's loopback, announced as the SMTP NEXT_HOP.
    public var serviceAddress: String
    /// One interface per link, in link order.
    public var interfaces: [PlannedInterface]
    /// The node's config, as `mxgp node --config` reads it.
    public var config: NodeConfig

    /// The interface toward `peer`.
    public func interface(toward peer: String) -> PlannedInterface? { interfaces.first { $0.peer == peer } }
}

/// A node's end of a link.
public struct PlannedInterface: Sendable, Hashable {
    /// The interface name inside the node (the peer's name, or `l<link>` when that cannot be used).
    public var name: String
    /// The neighbour on the other end.
    public var peer: String
    /// This end's address (without prefix length; the link is a /29).
    public var address: String
    /// The other end's address.
    public var peerAddress: String
    /// The peer's service address, reached through this interface.
    public var peerServiceAddress: String
    /// The link's index in the plan.
    public var link: Int
}

/// A link of a plan.
public struct PlannedLink: Sendable, Hashable {
    /// Position in the topology.
    public var index: Int
    /// The `a` and `b` node names.
    public var a: String
    public var b: String
    /// The link's /29, e.g. `10.77.0.0/29`.
    public var subnet: String
    /// Impairment applied when the lab comes up.
    public var impairment: LinkImpairment?

    /// The end of this link at `node`'s side: true for `a`.
    public func isA(_ node: String) -> Bool { a == node }
    /// The node on the other end from `node`.
    public func other(_ node: String) -> String { a == node ? b : a }
}
