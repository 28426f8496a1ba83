/// The files of a compose lab, as text: `docker-compose.yml` and one entrypoint script per
/// node. Pure: the same plan always gives the same bytes (golden-tested in
/// `Tests/MXGPLabTests/Golden/quickstart.compose.yml` and `quickstart-colo1.compose.sh`);
/// ``ComposeBackend`` writes them, with the node configs and certificates, to
/// `compose/<lab>/`.
///
/// Each node is a container of the `mxgp:latest` image (built from `compose/Dockerfile`),
/// running `mxgp node` or, with `mta: postfix`, a private Postfix instance;
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

    /// A node's config, as the folder `nodes/` next to the compose file holds it.
    public static func configFile(_ node: String) -> String { "nodes/\(node).yaml" }

    /// A node's entrypoint script, as the folder `nodes/` next to the compose file holds it.
    public static func entrypointFile(_ node: String) -> String { "nodes/\(node).sh" }

    /// The folder of a Postfix node's `main.cf`, `master.cf` and `transport` (``PostfixConfig``),
    /// next to the compose file; the node sees it read-only at ``postfixSource(_:node:)``.
    public static func postfixFolder(_ node: String) -> String { "nodes/\(node).postfix" }
    /// Where a Postfix node sees its files: its entrypoint copies them into its instance's `etc/`.
    public static func postfixSource(_ plan: LabPlan, node: String) -> String { "\(plan.layout.configDirectory)/\(node).postfix" }

    /// The service, container and volume of the certificates: the `pki` service makes the lab
    /// CA, one certificate per node and (with `origin-validation:`) the signed origin registry
    /// into the volume `pki` once; the nodes mount it read-only and wait for their files.
    public static let pkiService = "pki"
    public static let pkiVolume = "pki"
    /// The container of the `pki` service.
    public static func pkiContainer(_ plan: LabPlan) -> String { "mxgp-\(plan.name)-pki" }
    /// The copy of the topology next to the compose file, which the `pki` service reads.
    public static let topologyFile = "topology.yaml"
    /// The service that verifies the lab from a container (`docker compose run --rm verify`).
    public static let verifyService = "verify"
    /// Where the `verify` service sees the compose folder.
    static let composeInside = "/etc/mxgp/compose"
    /// Where the `pki` service sees the topology.
    static let topologyInside = "/etc/mxgp/topology.yaml"

    /// The text of `docker-compose.yml` for `plan` (which must use ``layout``).
    /// `topologyFile` is only named in the header.
    public static func composeYAML(_ plan: LabPlan, topologyFile: String) -> String {
        var lines = header(plan, topologyFile: topologyFile)
        let pki = plan.layout.pkiDirectory
        lines += [
            "version: \"3.8\"",
            "",
            "services:",
            "  \(pkiService):      # makes the lab CA and the node certificates into the volume pki, once, then exits",
            "    image: \(image)",
            "    build:        # the nodes run the image this service builds (compose/Dockerfile, from source)",
            "      context: ../..",
            "      dockerfile: \(dockerfile)",
            "    container_name: \(pkiContainer(plan))",
            "    network_mode: none",
            "    command: [\"lab\", \"init-pki\", \"\(topologyInside)\", \"--name\", \"\(plan.name)\", \"--pki\", \"\(pki)\"]",
            "    volumes:",
            "      - ./\(Self.topologyFile):\(topologyInside):ro",
            "      - \(pkiVolume):\(pki)",
        ]
        for node in plan.nodes {
            lines.append("  \(node.name):")
            lines.append("    image: \(image)")
            lines.append("    pull_policy: never    # the image the pki service builds; never one of a registry's")
            lines.append("    container_name: \(container(plan, node.name))")
            lines.append("    hostname: \(node.name)")
            lines.append("    depends_on: [\(pkiService)]")
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
            lines.append("      - ./\(configFile(node.name)):\(plan.layout.configPath(node.name)):ro")
            lines.append("      - ./\(entrypointFile(node.name)):\(plan.layout.configDirectory)/\(node.name).sh:ro")
            lines.append("      - \(pkiVolume):\(pki):ro")
            if plan.runsPostfix(node.name) {
                lines.append("      - ./\(postfixFolder(node.name)):\(postfixSource(plan, node: node.name)):ro    # mta: postfix")
            }
        }
        lines += [
            "  \(verifyService):   # docker compose run --rm verify: probe mail between every pair of colos, print the table",
            "    image: \(image)",
            "    pull_policy: never",
            "    profiles: [tools]    # not started by `up`",
            "    network_mode: none",
            "    command: [\"lab\", \"verify\", \"\(plan.name)\", \"--compose-dir\", \"\(composeInside)\"]",
            "    volumes:",
            "      - /var/run/docker.sock:/var/run/docker.sock    # drives the node containers (docker exec), like `mxgp lab verify` on the host",
            "      - ..:\(composeInside):ro",
        ]
        lines.append("")
        lines.append("volumes:")
        lines.append("  \(pkiVolume):      # the lab CA and node keys: removed by `down --volumes`, never on the host")
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

    /// The topology copy the `pki` service reads: the file as written, under a header.
    /// Its first line records the lab's address block, so the `verify` service (which has no
    /// lab folder) plans the same addresses.
    public static func topologyCopy(_ plan: LabPlan, text: String) -> String {
        "# Copy of the topology of lab \(plan.name) (address block \(plan.block)), read by the pki and verify services of docker-compose.yml; generated by mxgp.\n" + text
    }

    /// The address block a topology copy records (0 when it says none).
    public static func addressBlock(topologyCopy text: String) -> Int {
        guard let first = text.split(separator: "\n", maxSplits: 1).first, let range = first.range(of: "(address block ") else { return 0 }
        return Int(first[range.upperBound...].prefix { $0.isNumber }) ?? 0
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
            # leads to the host or the outside world. The pki service makes the lab CA and each
            # node's certificate into the volume pki (from topology.yaml) and exits; nodes wait
            # for their files. nodes/<node>.sh, each node's entrypoint, names every link
            # interface after the peer (faults use those names), adds the node's service address
            # (10.78.x.y/32 on lo) and a host route to each neighbour's, creates the fault chains
            # MXGP-IN and MXGP-OUT, then runs `mxgp node`. Each node announces its own address on
            # a link as the SMTP next hop to the neighbour on that link (next-hop-self).
            #
            # With Docker only (no Swift, no root shell), from the repository's top folder:
            #     docker compose -p \(project) -f \(file) up -d          (builds mxgp:latest from source)
            #     docker compose -p \(project) -f \(file) run --rm \(verifyService)   (probe mail, print the table)
            #     docker compose -p \(project) -f \(file) down --volumes
            # (docker-compose, Debian's v1, takes the same arguments.) `mxgp lab up … --backend
            # compose` runs the same file with an image of the mxgp on the host; `--backend swarm`
            # deploys the lab as a Swarm stack (stack.yml) instead.
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
    /// Swarm networks are created with another subnet (``LabAddressing/carrierSubnet(_:block:)``):
    /// `swarm` claims by that one, and the planned address is added beside Docker's.
    public static func entrypoint(_ plan: LabPlan, node: PlannedNode, swarm: Bool = false) -> String {
        var lines = [
            "#!/bin/sh",
            "# Entrypoint of node \(node.name) in lab \(plan.name) (\(swarm ? "swarm" : "compose") backend); generated by mxgp, edit the topology, not this file.",
            "# Names each link interface after the peer, adds the service address and the host routes to the",
            "# neighbours' service addresses, creates the fault chains, then becomes `mxgp node`.",
            "set -eu",
            "",
            "MXGP_NODE=\(node.name)",
            "MXGP_CONTAINER=\(swarm ? SwarmFiles.service(plan, node.name) : container(plan, node.name))",
            "# claim, name and chain: compose/entrypoint-lib.sh, installed in the image.",
            ". \"${MXGP_ENTRYPOINT_LIB:-\(entrypointLibrary)}\"",
            "",
        ]
        let linksOf = node.interfaces.compactMap { interface in plan.links.first { $0.index == interface.link }.map { (interface, $0) } }
        for (interface, link) in linksOf {
            let subnet = swarm ? LabAddressing.carrierSubnet(link.index, block: plan.block) : link.subnet
            lines.append("claim \(subnet) \(temporaryName(link))    # link to \(interface.peer)")
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
        if plan.runsPostfix(node.name) {
            lines.append("# mta: postfix: a private Postfix instance in \(plan.layout.storePath(node.name)), its master in the foreground.")
            lines.append("run_postfix \(postfixSource(plan, node: node.name)) \(plan.layout.storePath(node.name))")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("wait_for \(node.config.tls.map { [$0.ca, $0.certificate, $0.key] }?.joined(separator: " ") ?? "")"
                     + (node.config.originValidation.map { " \($0.registry) \($0.publicKey)" } ?? ""))
        lines.append("exec mxgp node --config \(plan.layout.configPath(node.name))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where the image installs `compose/entrypoint-lib.sh` (the functions every entrypoint uses).
    public static let entrypointLibrary = "/usr/local/lib/mxgp/entrypoint-lib.sh"

    /// The name a link's interface has between being found and being named after the peer.
    static func temporaryName(_ link: PlannedLink) -> String { "mxgp-l\(link.index)" }
}
