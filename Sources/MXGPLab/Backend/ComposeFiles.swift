/// The files of a compose lab, as text: `docker-compose.yml` and one entrypoint script per
/// node. Pure: the same plan always gives the same bytes (golden-tested in
/// `Tests/MXGPLabTests/Golden/quickstart.compose.yml` and `quickstart-colo1.compose.sh`);
/// ``ComposeBackend`` writes them, with the node configs and certificates, to
/// `compose/<lab>/`.
///
/// Each node is a container of the `mxgp:latest` image (built from `compose/Dockerfile`);
/// each link is an `internal` network with the link's /29 (side `a` .2, side `b` .3, .1 for
/// Docker's gateway). Nothing is published: no port, no route reaches the host.
public enum ComposeFiles {
    /// The image every node runs.
    public static let image = "mxgp:latest"
    /// The Dockerfile, relative to the build context (the repository).
    public static let dockerfile = "compose/Dockerfile"

    /// Where node files are inside the containers: configs and entrypoints in
    /// `/etc/mxgp/nodes`, certificates in `/etc/mxgp/pki`, stores in `/var/lib/mxgp/<node>`,
    /// admin sockets in `/run/mxgp/<node>.sock`.
    public static let layout = LabLayout(pkiDirectory: "/etc/mxgp/pki", configDirectory: "/etc/mxgp/nodes",
                                         stateDirectory: "/var/lib/mxgp", socketDirectory: "/run/mxgp")

    /// The compose project of lab `lab`: `mxgp-<lab>`.
    public static func project(_ lab: String) -> String { "mxgp-\(lab)" }

    /// The container of a node: its fixed `container_name`, `mxgp-<lab>-<node>` (the same name
    /// the netns backend gives the node's namespace).
    public static func container(_ plan: LabPlan, _ node: String) -> String { LabPlan.namespace(lab: plan.name, node: node) }

    /// The network of a link: `l<index>-<a>-<b>` (compose prefixes it with the project).
    public static func network(_ link: PlannedLink) -> String { "l\(link.index)-\(link.a)-\(link.b)" }

    /// A node's entrypoint script, as the folder `nodes/` next to the compose file holds it.
    public static func entrypointFile(_ node: String) -> String { "nodes/\(node).sh" }

    /// The text of `docker-compose.yml` for `plan` (which must use ``layout``).
    /// `topologyFile` is only named in the header.
    public static func composeYAML(_ plan: LabPlan, topologyFile: String) -> String {
        var lines = header(plan, topologyFile: topologyFile)
        lines.append("version: \"3.8\"")
        lines.append("")
        lines.append("services:")
        for (position, node) in plan.nodes.enumerated() {
            lines.append("  \(node.name):")
            lines.append("    image: \(image)")
            if position == 0 {
                lines.append("    build:        # the other nodes run the image this one builds")
                lines.append("      context: ../..")
                lines.append("      dockerfile: \(dockerfile)")
            }
            lines.append("    container_name: \(container(plan, node.name))")
            lines.append("    hostname: \(node.name)")
            lines.append("    cap_add: [NET_ADMIN]")
            lines.append("    entrypoint: [\"/bin/sh\", \"\(plan.layout.configDirectory)/\(node.name).sh\"]")
            lines.append("    stop_grace_period: 10s")
            if node.interfaces.isEmpty { lines.append("    network_mode: none    # no links") } else { lines.append("    networks:") }
            for interface in node.interfaces {
                guard let link = plan.links.first(where: { $0.index == interface.link }) else { continue }
                lines.append("      \(network(link)):")
                lines.append("        ipv4_address: \(interface.address)")
            }
            lines.append("    volumes:")
            let pki = plan.layout.pkiDirectory
            for (host, inside) in [
                ("./nodes/\(node.name).yaml", plan.layout.configPath(node.name)),
                ("./\(entrypointFile(node.name))", "\(plan.layout.configDirectory)/\(node.name).sh"),
                ("./pki/ca.pem", "\(pki)/ca.pem"),
                ("./pki/\(node.name).pem", "\(pki)/\(node.name).pem"),
                ("./pki/\(node.name).key", "\(pki)/\(node.name).key"),
            ] + (plan.topology.originValidation == nil ? [] : [
                ("./pki/\(LabLayout.registryFile)", "\(pki)/\(LabLayout.registryFile)"),
                ("./pki/\(LabLayout.registryPublicKeyFile)", "\(pki)/\(LabLayout.registryPublicKeyFile)"),
            ]) {
                lines.append("      - \(host):\(inside):ro")
            }
        }
        lines.append("")
        lines.append("networks:")
        for link in plan.links {
            lines.append("  \(network(link)):")
            lines.append("    internal: true")
            lines.append("    ipam:")
            lines.append("      config:")
            lines.append("        - subnet: \(link.subnet)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ plan: LabPlan, topologyFile: String) -> [String] {
        let project = project(plan.name)
        let file = "compose/\(plan.name)/docker-compose.yml"
        return """
            # Lab \(plan.name) on docker compose: \(plan.nodes.count) nodes, \(plan.links.count) links.
            # Generated by mxgp from \(topologyFile) (`mxgp lab up \(topologyFile) --backend compose`,
            # add --generate-only to only write the files); edit the topology, not this file.
            #
            # Each node is a container of the mxgp image; each link is an internal network, a /29
            # (side a .2, side b .3; .1 is Docker's gateway). No port is published and no route
            # leads to the host or the outside world. nodes/<node>.sh, each node's entrypoint,
            # names every link interface after the peer (faults use those names), adds the
            # node's service address (10.78.x.y/32 on lo, the SMTP next hop it announces) and a
            # host route to each neighbour's, creates the fault chains MXGP-IN and MXGP-OUT, then
            # runs `mxgp node`. pki/ (the lab CA and each node's key) is written by `mxgp lab up`
            # and must never be committed.
            #
            # Where this file works:
            # - docker compose (v2) and docker-compose (v1, Debian's): what `mxgp lab up` runs,
            #   from the repository's top folder:
            #     docker compose -p \(project) -f \(file) build
            #     docker compose -p \(project) -f \(file) up -d
            #   (build first: only the first node has `build`, the others run the image it tags).
            # - docker stack deploy (Swarm): the file is accepted, but a stack ignores `build`
            #   (build mxgp:latest and push it where every Swarm node can pull it),
            #   `container_name` and `ipv4_address` (the entrypoints find each link by its subnet
            #   and add the planned address, so the plan's addresses still apply), and honours
            #   `cap_add` only from Docker Engine 20.10 on (without NET_ADMIN a node cannot set up
            #   its interfaces and exits). The bind mounts must exist on the Swarm node that runs
            #   each task. `mxgp lab` itself drives compose only.
            #
            """.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The entrypoint of a node: the same setup the netns backend does from outside
    /// (``NetnsCommands/setup(_:)``), done from inside the container, then `exec mxgp node`.
    ///
    /// Docker names interfaces `eth0`, `eth1`… in an order of its own, so each link's interface is
    /// found by its subnet (`ip -o -4 addr show to SUBNET`), renamed in two steps (first to
    /// `mxgp-l<link>`, so a peer called `eth1` cannot collide with Docker's `eth1`), given the
    /// planned address and brought up. Every step can run again (a restarted container).
    public static func entrypoint(_ plan: LabPlan, node: PlannedNode) -> String {
        var lines = [
            "#!/bin/sh",
            "# Entrypoint of node \(node.name) in lab \(plan.name) (compose backend); generated by mxgp, edit the topology, not this file.",
            "# Names each link interface after the peer, adds the service address and the host routes to the",
            "# neighbours' service addresses, creates the fault chains, then becomes `mxgp node`.",
            "set -eu",
            "",
            "MXGP_NODE=\(node.name)",
            "MXGP_CONTAINER=\(container(plan, node.name))",
            "# claim, name and chain: compose/entrypoint-lib.sh, installed in the image.",
            ". \"${MXGP_ENTRYPOINT_LIB:-\(entrypointLibrary)}\"",
            "",
        ]
        let linksOf = node.interfaces.compactMap { interface in plan.links.first { $0.index == interface.link }.map { (interface, $0) } }
        for (interface, link) in linksOf {
            lines.append("claim \(link.subnet) \(temporaryName(link))    # link to \(interface.peer)")
        }
        for (interface, link) in linksOf {
            lines.append("name \(temporaryName(link)) \(interface.name) \(interface.address)")
        }
        lines.append("ip link set dev lo up")
        lines.append("ip addr replace \(node.serviceAddress)/32 dev lo")
        for interface in node.interfaces {
            lines.append("ip route replace \(interface.peerServiceAddress)/32 via \(interface.peerAddress) dev \(interface.name) src \(interface.address)")
        }
        lines.append("chain \(FaultChains.input) INPUT")
        lines.append("chain \(FaultChains.output) OUTPUT")
        lines.append("mkdir -p \(plan.layout.stateDirectory) \(plan.layout.socketDirectory)")
        lines.append("exec mxgp node --config \(plan.layout.configPath(node.name))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where the image installs `compose/entrypoint-lib.sh` (the functions every entrypoint uses).
    public static let entrypointLibrary = "/usr/local/lib/mxgp/entrypoint-lib.sh"

    /// The name a link's interface has between being found and being named after the peer.
    static func temporaryName(_ link: PlannedLink) -> String { "mxgp-l\(link.index)" }
}
