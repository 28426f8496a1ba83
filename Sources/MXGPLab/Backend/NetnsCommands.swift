/// The `ip` commands that build and tear down a lab on network namespaces, as data: the
/// backend runs them, the golden tests read them (`Tests/MXGPLabTests/Golden/*.netns.txt`).
public enum NetnsCommands {
    /// Namespaces, loopback service addresses, veth pairs, link addresses, host routes to
    /// each neighbour's service address, and the fault chains — in this order.
    /// No command creates anything in the host namespace that stays there, and no route
    /// leads out of the lab.
    public static func setup(_ plan: LabPlan) -> [[String]] {
        var commands: [[String]] = []
        for node in plan.nodes {
            commands.append(["ip", "netns", "add", node.namespace])
            commands.append(["ip", "-n", node.namespace, "link", "set", "lo", "up"])
            commands.append(["ip", "-n", node.namespace, "addr", "add", "\(node.serviceAddress)/32", "dev", "lo"])
        }
        for link in plan.links {
            guard let a = plan.node(link.a), let b = plan.node(link.b),
                  let ia = a.interfaces.first(where: { $0.link == link.index }),
                  let ib = b.interfaces.first(where: { $0.link == link.index }) else { continue }
            // Both ends are created in their namespaces, under their final names: moving an
            // interface between namespaces waits for the kernel (about 16 ms each, 15 s of a
            // 250-node lab's setup), and nothing appears in the host namespace even for a moment.
            commands.append(["ip", "link", "add", ia.name, "netns", a.namespace, "type", "veth", "peer", "name", ib.name, "netns", b.namespace])
            for (node, interface) in [(a, ia), (b, ib)] {
                commands.append(["ip", "-n", node.namespace, "addr", "add", "\(interface.address)/29", "dev", interface.name])
                commands.append(["ip", "-n", node.namespace, "link", "set", interface.name, "up"])
            }
        }
        for node in plan.nodes {
            for interface in node.interfaces {
                commands.append(["ip", "-n", node.namespace, "route", "add", "\(interface.peerServiceAddress)/32",
                                 "via", interface.peerAddress, "dev", interface.name, "src", interface.address])
            }
            commands += FaultChains.create.map { ["ip", "netns", "exec", node.namespace] + $0 }
        }
        return commands
    }

    /// Removes a node's namespace (which takes its veth ends and iptables rules with it).
    public static func teardown(_ node: PlannedNode) -> [[String]] {
        [["ip", "netns", "del", node.namespace]]
    }

    /// The prefix that runs a command in `namespace`'s network namespace and nothing more:
    /// `nsenter --net`. `ip netns exec` (and `ip -n`) also make a mount namespace with the
    /// namespace's own /sys, copying every mount of the host (/run/netns holds one per lab
    /// node); nodes and iptables-restore need only the network namespace. (Measured, this did
    /// not change how long a big lab takes to start: the nodes' own start-up work dominates.)
    public static func enter(_ namespace: String) -> [String] {
        ["nsenter", "--net=/run/netns/\(namespace)"]
    }

    /// Runs `argv` inside a node's namespace.
    public static func exec(_ node: PlannedNode, _ argv: [String]) -> [String] {
        ["ip", "netns", "exec", node.namespace] + argv
    }
}

/// The iptables chains every lab node has, so faults add rules in one place and `heal`
/// flushes them: `MXGP-IN` (jumped to from INPUT) and `MXGP-OUT` (from OUTPUT).
public enum FaultChains {
    public static let input = "MXGP-IN"
    public static let output = "MXGP-OUT"

    /// Creates both chains and the jumps to them.
    public static let create: [[String]] = [
        ["iptables", "-w", "-N", input], ["iptables", "-w", "-I", "INPUT", "-j", input],
        ["iptables", "-w", "-N", output], ["iptables", "-w", "-I", "OUTPUT", "-j", output],
    ]

    /// Removes every fault rule.
    public static let flush: [[String]] = [["iptables", "-w", "-F", input], ["iptables", "-w", "-F", output]]

    /// Lists the rules of both chains (`-S`), for the leftover check after `heal`.
    public static let list: [[String]] = [["iptables", "-w", "-S", input], ["iptables", "-w", "-S", output]]
}
