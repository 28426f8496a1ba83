/// The files of a Swarm lab, as text: `stack.yml` (pure; golden-tested in
/// `Tests/MXGPLabTests/Golden/quickstart.stack.yml`). ``SwarmBackend`` writes it with the node
/// configs, entrypoints and certificates to `compose/<lab>/` and deploys it with
/// `docker stack deploy`.
///
/// What differs from the compose file, so that any node of a swarm can run any task: node
/// configs and entrypoints are Swarm `configs`, certificates are `secrets` (mounted in
/// `/run/secrets`, each node gets only its own key), stores are named volumes; links are
/// `internal` overlay networks. Docker hands out overlay addresses itself (`ipv4_address` does
/// not apply to stacks), so each network is created with its own /28
/// (``LabAddressing/carrierSubnet(_:block:)``), found by the entrypoint, which adds the planned
/// link address beside Docker's: the plan, the node configs and the faults stay the same as on
/// the other backends.
public enum SwarmFiles {
    /// Where node files are inside the tasks: configs and entrypoints in `/etc/mxgp/nodes`,
    /// certificates in `/run/secrets`, stores in `/var/lib/mxgp/<node>` (a volume per node),
    /// admin sockets in `/run/mxgp/<node>.sock`.
    public static let layout = LabLayout(pkiDirectory: "/run/secrets", configDirectory: "/etc/mxgp/nodes",
                                         stateDirectory: "/var/lib/mxgp", socketDirectory: "/run/mxgp")

    /// The stack of lab `lab`: `mxgp-<lab>` (Docker prefixes services, networks, configs,
    /// secrets and volumes with it).
    public static func stack(_ lab: String) -> String { "mxgp-\(lab)" }
    /// The service of a node: `mxgp-<lab>_<node>`.
    public static func service(_ plan: LabPlan, _ node: String) -> String { "\(stack(plan.name))_\(node)" }
    /// The stack file in the lab's folder.
    public static let stackFile = "stack.yml"

    /// The text of `stack.yml` for `plan` (which must use ``layout``).
    public static func stackYAML(_ plan: LabPlan, topologyFile: String) -> String {
        var lines = header(plan, topologyFile: topologyFile)
        lines += ["version: \"3.8\"", "", "services:"]
        var configs: [(name: String, file: String)] = [], secrets: [(String, String)] = [("ca", "ca.pem")]
        for node in plan.nodes {
            // (config, file next to stack.yml, target in the task)
            var nodeConfigs = [("\(node.name)-config", ComposeFiles.configFile(node.name), plan.layout.configPath(node.name)),
                               ("\(node.name)-entrypoint", ComposeFiles.entrypointFile(node.name), "\(plan.layout.configDirectory)/\(node.name).sh")]
            if plan.runsPostfix(node.name) {  // mta: postfix: main.cf, master.cf, transport
                nodeConfigs += PostfixConfig.fileNames.map { file in
                    ("\(node.name)-postfix-\(file.replacingOccurrences(of: ".", with: "-"))", "\(ComposeFiles.postfixFolder(node.name))/\(file)",
                     "\(ComposeFiles.postfixSource(plan, node: node.name))/\(file)")
                }
            }
            configs += nodeConfigs.map { ($0.0, $0.1) }
            var nodeSecrets: [(String, String)] = [("ca", "ca.pem"), ("\(node.name)-cert", "\(node.name).pem"), ("\(node.name)-key", "\(node.name).key")]
            secrets += nodeSecrets.dropFirst()
            if plan.topology.originValidation != nil {
                nodeSecrets += [("registry", LabLayout.registryFile), ("registry-pub", LabLayout.registryPublicKeyFile)]
            }
            lines += [
                "  \(node.name):",
                "    image: \(LabImageBuilder.image)",
                "    hostname: \(node.name)",
                "    cap_add: [NET_ADMIN]",
                "    entrypoint: [\"/bin/sh\", \"\(plan.layout.configDirectory)/\(node.name).sh\"]",
                "    stop_grace_period: 10s",
            ]
            lines.append(node.interfaces.isEmpty ? "    networks: []" : "    networks:")
            for interface in node.interfaces {
                guard let link = plan.links.first(where: { $0.index == interface.link }) else { continue }
                lines.append("      - \(ComposeFiles.network(link))")
            }
            lines += [
                "    configs:",
            ]
            for (name, _, target) in nodeConfigs { lines.append("      - { source: \(name), target: \(target) }") }
            lines.append("    secrets:")
            for (name, file) in nodeSecrets { lines.append("      - { source: \(name), target: \(file) }") }
            lines += [
                "    volumes:",
                "      - \(node.name)-state:\(plan.layout.stateDirectory)",
                "    deploy:",
                "      endpoint_mode: dnsrr      # no virtual IP: nothing but the node itself on its links",
                "      restart_policy: { condition: none }    # a killed node stays down until `fault restart`/`heal`",
            ]
        }
        if plan.topology.originValidation != nil {
            secrets += [("registry", LabLayout.registryFile), ("registry-pub", LabLayout.registryPublicKeyFile)]
        }
        lines += ["", "volumes:"]
        for node in plan.nodes { lines.append("  \(node.name)-state:") }
        lines += ["", "configs:"]
        for config in configs { lines.append("  \(config.name): { file: ./\(config.file) }") }
        lines += ["", "secrets:      # files of pki/, written by `mxgp lab up` and removed once the stack is deployed"]
        for (name, file) in secrets { lines.append("  \(name): { file: ./pki/\(file) }") }
        lines += ["", "networks:"]
        for link in plan.links {
            lines += [
                "  \(ComposeFiles.network(link)):",
                "    driver: overlay",
                "    internal: true",
                "    ipam:",
                "      config:",
                "        - subnet: \(LabAddressing.carrierSubnet(link.index, block: plan.block))    # Docker's; the link is \(link.subnet)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ plan: LabPlan, topologyFile: String) -> [String] {
        """
        # Lab \(plan.name) on Docker Swarm: \(plan.nodes.count) nodes, \(plan.links.count) links.
        # Generated by mxgp from \(topologyFile) (`mxgp lab up \(topologyFile) --backend swarm`);
        # edit the topology, not this file. Deployed as the stack \(stack(plan.name)):
        #     docker stack deploy --resolve-image never -c compose/\(plan.name)/\(stackFile) \(stack(plan.name))
        # Each node is a service with one task; each link an internal overlay network. Node
        # configs and entrypoints are Swarm configs, certificates are secrets, so any node of
        # the swarm can run any task (the image mxgp:latest must be on every node, or in a
        # registry they reach: see docs/LABS.md, "Swarm"). No port is published.
        #
        """.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
