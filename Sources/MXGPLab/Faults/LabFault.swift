/// A fault a trainer injects into a running lab (`mxgp lab fault LAB …`). Every fault is
/// undone by `heal`.
public enum LabFault: Codable, Sendable, Hashable {
    /// Blackhole the link between `a` and `b`: both ways, or only packets sent by `from`.
    case cut(a: String, b: String, from: String?)
    /// Set `a`'s interface toward `b` down.
    case down(a: String, b: String)
    /// Drop `percent` of the packets each way on the link.
    case loss(a: String, b: String, percent: Double)
    /// Limit the link to `kbit` kilobits per second each way (tbf).
    case rate(a: String, b: String, kbit: Int)
    /// Add `milliseconds` of delay (± `jitter`) each way (netem).
    case delay(a: String, b: String, milliseconds: Int, jitter: Int?)
    /// Cut every link between these nodes and the rest of the lab.
    case partition(nodes: [String])
    /// SIGKILL the node; heal starts it again.
    case kill(node: String)
    /// SIGSTOP the node; heal resumes it.
    case pause(node: String)
    /// Stop the node gracefully and start it again (done at once; nothing to heal).
    case restart(node: String)
    /// Reset the MXGP session between `a` and `b` from `a`'s side (done at once).
    case sessionReset(a: String, b: String)
    /// Make the node's SMTP server answer 421 to `percent` of new transactions.
    case smtpTempfail(node: String, percent: Int)

    /// The nodes the fault names, for checking them against the lab.
    public var nodes: [String] {
        switch self {
        case .cut(let a, let b, _), .down(let a, let b), .loss(let a, let b, _), .rate(let a, let b, _),
             .delay(let a, let b, _, _), .sessionReset(let a, let b):
            return [a, b]
        case .partition(let nodes): return nodes
        case .kill(let node), .pause(let node), .restart(let node), .smtpTempfail(let node, _): return [node]
        }
    }

    /// False for faults that are done at once and leave nothing to heal.
    public var persists: Bool {
        switch self {
        case .restart, .sessionReset: return false
        default: return true
        }
    }

    /// The fault in the command-line syntax, e.g. `cut colo1 up1 --from colo1`.
    public var description: String {
        switch self {
        case .cut(let a, let b, let from): return "cut \(a) \(b)" + (from.map { " --from \($0)" } ?? "")
        case .down(let a, let b): return "down \(a) \(b)"
        case .loss(let a, let b, let percent):
            return "loss \(a) \(b) \(percent == percent.rounded() ? String(Int(percent)) : String(percent))%"
        case .rate(let a, let b, let kbit):
            return "rate \(a) \(b) " + (kbit % 1_000_000 == 0 ? "\(kbit / 1_000_000)gbit" : kbit % 1000 == 0 ? "\(kbit / 1000)mbit" : "\(kbit)kbit")
        case .delay(let a, let b, let ms, let jitter): return "delay \(a) \(b) \(ms)ms" + (jitter.map { " \($0)ms" } ?? "")
        case .partition(let nodes): return "partition " + nodes.joined(separator: " ")
        case .kill(let node): return "kill \(node)"
        case .pause(let node): return "pause \(node)"
        case .restart(let node): return "restart \(node)"
        case .sessionReset(let a, let b): return "session-reset \(a) \(b)"
        case .smtpTempfail(let node, let percent): return "smtp-tempfail \(node) \(percent)%"
        }
    }
}

/// Which links and nodes a set of faults takes out of service, as the simulation needs them
/// to predict the paths mail should take (loss, rate and delay leave links up).
public struct FaultImpact: Sendable, Hashable {
    /// Links that carry nothing (as sorted name pairs).
    public var failedLinks: Set<[String]> = []
    /// Nodes that answer nothing.
    public var failedNodes: Set<String> = []

    public init(faults: [LabFault], plan: LabPlan) {
        for fault in faults {
            switch fault {
            case .cut(let a, let b, _), .down(let a, let b): failedLinks.insert([a, b].sorted())
            case .partition(let nodes):
                for link in FaultCommands.crossing(nodes, plan) { failedLinks.insert([link.a, link.b].sorted()) }
            case .kill(let node), .pause(let node): failedNodes.insert(node)
            default: break
            }
        }
    }
}
