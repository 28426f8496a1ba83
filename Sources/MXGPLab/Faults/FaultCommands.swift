/// A command to run inside one node.
public struct NodeCommand: Sendable, Hashable, CustomStringConvertible {
    public var node: String
    public var argv: [String]
    public init(node: String, argv: [String]) {
        self.node = node
        self.argv = argv
    }
    public var description: String { "\(node): \(argv.joined(separator: " "))" }
}

/// The tc, iptables and ip commands of the link faults and of heal, as data (golden-tested).
/// Process and protocol faults (kill, pause, restart, session-reset, smtp-tempfail) are not
/// commands but signals and admin requests: ``LabFaults`` does those.
public enum FaultCommands {
    /// The interface name of `node`'s end of the link to `peer`.
    public typealias InterfaceNames = @Sendable (_ node: String, _ peer: String) -> String?

    /// The links with exactly one end in `nodes`.
    public static func crossing(_ nodes: [String], _ plan: LabPlan) -> [PlannedLink] {
        let inside = Set(nodes)
        return plan.links.filter { inside.contains($0.a) != inside.contains($0.b) }
    }

    /// Commands that apply a link fault; empty for process and protocol faults.
    /// `netem` says whether the kernel has the netem qdisc (loss then uses it; delay needs it).
    /// `label` starts each iptables rule comment: `mxgp fault` for faults, `mxgp impairment` for the
    /// topology's impairments (which heal puts back).
    public static func apply(_ fault: LabFault, plan: LabPlan, names: InterfaceNames, netem: Bool, label: String = faultLabel) throws(LabError) -> [NodeCommand] {
        switch fault {
        case .cut(let a, let b, let from):
            let ia = try name(a, b, names), ib = try name(b, a, names)
            let comment = "\(label): \(fault.description)"
            var commands: [NodeCommand] = []
            if from == nil || from == a {
                commands.append(NodeCommand(node: a, argv: drop(FaultChains.output, "-o", ia, comment)))
                commands.append(NodeCommand(node: b, argv: drop(FaultChains.input, "-i", ib, comment)))
            }
            if from == nil || from == b {
                commands.append(NodeCommand(node: b, argv: drop(FaultChains.output, "-o", ib, comment)))
                commands.append(NodeCommand(node: a, argv: drop(FaultChains.input, "-i", ia, comment)))
            }
            return commands
        case .down(let a, let b):
            return [NodeCommand(node: a, argv: ["ip", "link", "set", try name(a, b, names), "down"])]
        case .loss(let a, let b, let percent):
            return try bothEnds(a, b, names) { node, interface in
                if netem { return ["tc", "qdisc", "replace", "dev", interface, "root", "netem", "loss", "\(format(percent))%"] }
                return ["iptables", "-w", "-A", FaultChains.output, "-o", interface, "-m", "statistic", "--mode", "random",
                        "--probability", format(percent / 100), "-m", "comment", "--comment", "\(label): \(fault.description)", "-j", "DROP"]
            }
        case .rate(let a, let b, let kbit):
            // Burst: 10 ms at the rate, at least a few full frames.
            let burst = max(4096, kbit * 1000 / 8 / 100)
            return try bothEnds(a, b, names) { _, interface in
                ["tc", "qdisc", "replace", "dev", interface, "root", "tbf", "rate", "\(kbit)kbit", "burst", "\(burst)", "latency", "100ms"]
            }
        case .delay(let a, let b, let ms, let jitter):
            guard netem else { throw LabError(Self.noNetem) }
            return try bothEnds(a, b, names) { _, interface in
                ["tc", "qdisc", "replace", "dev", interface, "root", "netem", "delay", "\(ms)ms"] + (jitter.map { ["\($0)ms"] } ?? [])
            }
        case .partition:
            var commands: [NodeCommand] = []
            for link in crossing(fault.nodes, plan) {
                commands += try apply(.cut(a: link.a, b: link.b, from: nil), plan: plan, names: names, netem: netem, label: label)
            }
            return commands
        case .kill, .pause, .restart, .sessionReset, .smtpTempfail:
            return []
        }
    }

    /// What a kernel without netem cannot do, and why.
    public static let noNetem = "this kernel has no netem qdisc (module sch_netem, CONFIG_NET_SCH_NETEM), so delay and jitter cannot be applied here; load it with `modprobe sch_netem` or use a kernel that has it (loss works without it, through iptables statistic; rate uses tbf)"

    /// Commands that remove every link fault from one node: flush the fault chains, remove root
    /// qdiscs, bring every lab interface up and restore its host route. Errors of `tc qdisc del`
    /// on an interface without a qdisc are expected (`ignoreFailure`).
    public static func heal(_ node: PlannedNode, names: InterfaceNames) -> [(argv: [String], ignoreFailure: Bool)] {
        var commands = FaultChains.flush.map { (argv: $0, ignoreFailure: false) }
        for interface in node.interfaces {
            let name = names(node.name, interface.peer) ?? interface.name
            commands.append((["tc", "qdisc", "del", "dev", name, "root"], true))
            commands.append((["ip", "link", "set", name, "up"], false))
            commands.append((["ip", "route", "replace", "\(interface.peerServiceAddress)/32", "via", interface.peerAddress,
                              "dev", name, "src", interface.address], false))
        }
        return commands
    }

    /// Commands whose output shows leftovers after heal: the fault chains and the qdiscs.
    public static func inspect(_ node: PlannedNode) -> [[String]] {
        FaultChains.list + [["tc", "qdisc", "show"]]
    }

    /// The leftovers in the output of ``inspect(_:)``: fault rules and impairing qdiscs.
    public static func leftovers(in output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { line in
            (line.hasPrefix("-A MXGP-") && !line.contains(impairmentLabel)) || line.contains(" netem ") || line.contains(" tbf ")
        }
    }

    static func name(_ node: String, _ peer: String, _ names: InterfaceNames) throws(LabError) -> String {
        guard let name = names(node, peer) else { throw LabError("there is no link between \(node) and \(peer)") }
        return name
    }

    static func bothEnds(_ a: String, _ b: String, _ names: InterfaceNames, _ command: (String, String) -> [String]) throws(LabError) -> [NodeCommand] {
        let ia = try name(a, b, names), ib = try name(b, a, names)
        return [NodeCommand(node: a, argv: command(a, ia)), NodeCommand(node: b, argv: command(b, ib))]
    }

    static func drop(_ chain: String, _ direction: String, _ interface: String, _ comment: String) -> [String] {
        ["iptables", "-w", "-A", chain, direction, interface, "-m", "comment", "--comment", comment, "-j", "DROP"]
    }

    /// The comment label of fault rules.
    public static let faultLabel = "mxgp fault"
    /// The comment label of impairment rules.
    public static let impairmentLabel = "mxgp impairment"

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
