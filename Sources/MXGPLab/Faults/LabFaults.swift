import Foundation
import MXGPAdminAPI

/// Applies and heals faults on a lab: link faults as commands inside the nodes
/// (``FaultCommands``), process faults as signals, protocol faults through the admin API.
/// Active faults are recorded in `lab.json` so `heal`, `verify` and `status` know them.
public struct LabFaults: Sendable {
    public var lab: Lab

    public init(lab: Lab) { self.lab = lab }

    /// Interface names as the plan has them (both backends name interfaces after the peer).
    var names: FaultCommands.InterfaceNames {
        let plan = lab.plan
        return { node, peer in plan.node(node)?.interface(toward: peer)?.name }
    }

    /// Checks the fault's nodes and links against the lab.
    public func validate(_ fault: LabFault) throws(LabError) {
        for node in fault.nodes { _ = try lab.node(node) }
        switch fault {
        case .cut(let a, let b, let from):
            if let from, from != a, from != b { throw LabError("--from \(from) must be \(a) or \(b)") }
            fallthrough
        case .down(let a, let b), .loss(let a, let b, _), .rate(let a, let b, _), .delay(let a, let b, _, _), .sessionReset(let a, let b):
            guard lab.plan.link(a, b) != nil else {
                let neighbours = lab.plan.node(a)?.interfaces.map(\.peer) ?? []
                throw LabError("\(a) and \(b) are not linked in lab \(lab.name); \(a)'s neighbours: \(neighbours.joined(separator: ", "))")
            }
        case .loss(_, _, let percent) where !(percent > 0 && percent <= 100):
            throw LabError("loss must be more than 0% and at most 100%")
        case .partition(let nodes) where nodes.isEmpty || FaultCommands.crossing(nodes, lab.plan).isEmpty:
            throw LabError("partition needs nodes that have links to the rest of the lab")
        case .smtpTempfail(_, let percent) where !(1...100).contains(percent):
            throw LabError("smtp-tempfail takes a percentage from 1 to 100")
        default: break
        }
    }

    /// Whether the kernel has netem, tried in `node`'s namespace on its loopback.
    public func netemAvailable(node: String) async -> Bool {
        let add = await lab.backend.exec(lab.plan, node: node, ["tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"], timeout: .seconds(10))
        if add.succeeded {
            _ = await lab.backend.exec(lab.plan, node: node, ["tc", "qdisc", "del", "dev", "lo", "root"], timeout: .seconds(10))
        }
        return add.succeeded
    }

    /// Applies `fault` and records it (unless it is done at once). Returns the lab with the new state.
    @discardableResult
    public func apply(_ fault: LabFault) async throws -> Lab {
        try validate(fault)
        var lab = self.lab.reloaded()
        switch fault {
        case .kill(let node): try await lab.backend.signal(lab.plan, node: node, .kill)
        case .pause(let node): try await lab.backend.signal(lab.plan, node: node, .pause)
        case .restart(let node):
            try await lab.backend.signal(lab.plan, node: node, .terminate)
            try await lab.backend.start(lab.plan, node: node)
        case .sessionReset(let a, _) where lab.plan.runsPostfix(a):
            throw lab.noAdminAPI(a, "MXGP sessions to reset")
        case .smtpTempfail(let node, let percent) where lab.plan.runsPostfix(node):
            // Postfix has no "421 to some transactions" switch: refuse that share of new SMTP
            // connections with a TCP reset (a temporary failure to the sender); heal flushes it.
            let rule = PostfixInstance.tempfailRule(percent: percent)
            let result = await lab.backend.exec(lab.plan, node: node, rule, timeout: .seconds(20))
            guard result.succeeded else { throw LabError("smtp-tempfail on Postfix node \(node) failed: \(CommandFailure(argv: rule, result: result))") }
        case .sessionReset(let a, let b):
            let (status, body) = try await lab.backend.admin(lab.plan, node: a, method: "POST", path: AdminPath.resetPeer(b))
            guard status == 200 else { throw LabError("\(a) refused the session reset toward \(b) (HTTP \(status)): \(body)") }
        case .smtpTempfail(let node, let percent):
            let (status, body) = try await lab.backend.admin(lab.plan, node: node, method: "POST", path: AdminPath.smtpTempfail(percent: percent))
            guard status == 200 else { throw LabError("\(node) refused smtp-tempfail (HTTP \(status)): \(body)") }
        default:
            let netem = await needsNetem(fault) ? await netemAvailable(node: fault.nodes[0]) : false
            let commands = try FaultCommands.apply(fault, plan: lab.plan, names: names, netem: netem)
            for command in commands {
                let result = await lab.backend.exec(lab.plan, node: command.node, command.argv, timeout: .seconds(20))
                guard result.succeeded else {
                    throw LabError("applying `\(fault.description)` failed in \(command.node): \(CommandFailure(argv: command.argv, result: result)); run `mxgp lab heal \(lab.name)` to clear what was applied")
                }
            }
        }
        if fault.persists {
            lab.state.faults.append(fault)
            try lab.save()
        }
        return lab
    }

    func needsNetem(_ fault: LabFault) async -> Bool {
        switch fault {
        case .loss, .delay: return true
        default: return false
        }
    }

    /// The topology's link impairments (delay, loss, rate), applied at `up` and after `heal`.
    /// A delay the kernel cannot apply (no netem) is skipped with a warning through `warn`:
    /// the lab still runs, without that delay.
    public func applyImpairments(warn: @Sendable (String) -> Void = { _ in }) async throws {
        for link in lab.plan.links {
            guard let impairment = link.impairment else { continue }
            var faults: [LabFault] = []
            if let ms = impairment.delayMilliseconds { faults.append(.delay(a: link.a, b: link.b, milliseconds: ms, jitter: impairment.jitterMilliseconds)) }
            if let loss = impairment.lossPercent { faults.append(.loss(a: link.a, b: link.b, percent: loss)) }
            if let rate = impairment.rateKbit { faults.append(.rate(a: link.a, b: link.b, kbit: rate)) }
            for fault in faults {
                let netem = await needsNetem(fault) ? await netemAvailable(node: link.a) : false
                let commands: [NodeCommand]
                do { commands = try FaultCommands.apply(fault, plan: lab.plan, names: names, netem: netem, label: FaultCommands.impairmentLabel) } catch {
                    warn("warning: the impairment \(fault.description) of link \(link.a)–\(link.b) is not applied: \(error.description)")
                    continue
                }
                for command in commands {
                    let result = await lab.backend.exec(lab.plan, node: command.node, command.argv, timeout: .seconds(20))
                    guard result.succeeded else { throw CommandFailure(argv: command.argv, result: result) }
                }
            }
        }
    }

    /// Removes every fault: resumes paused nodes, starts killed ones, clears protocol faults,
    /// flushes the fault rules and qdiscs and restores interfaces and routes, re-applies the
    /// topology's impairments, then checks that nothing is left. Returns the healed lab and
    /// what was healed.
    public func healAll() async throws -> (lab: Lab, healed: [LabFault]) {
        var lab = self.lab.reloaded()
        let healed = lab.state.faults
        for node in lab.plan.nodes {
            switch await lab.backend.state(lab.plan, node: node.name) {
            case .paused: try await lab.backend.signal(lab.plan, node: node.name, .resume)
            case .stopped: try await lab.backend.start(lab.plan, node: node.name)
            case .running: break
            }
        }
        for case .smtpTempfail(let node, _) in healed where !lab.plan.runsPostfix(node) {
            _ = try? await lab.backend.admin(lab.plan, node: node, method: "DELETE", path: AdminPath.smtpTempfail)
        }
        let current = lab, names = names
        var problems = await Self.eachNode(lab.plan.nodes) { node in  // nodes at once: container execs are slow
            var found: [String] = []
            for command in FaultCommands.heal(node, names: names) {
                let result = await current.backend.exec(current.plan, node: node.name, command.argv, timeout: .seconds(20))
                if !result.succeeded, !command.ignoreFailure {
                    found.append("\(node.name): \(CommandFailure(argv: command.argv, result: result))")
                }
            }
            return found
        }
        lab.state.faults = []
        try lab.save()
        try await LabFaults(lab: lab).applyImpairments()
        problems += await LabFaults(lab: lab).leftovers()
        guard problems.isEmpty else { throw LabError("heal left things behind:\n  " + problems.joined(separator: "\n  ")) }
        return (lab, healed)
    }

    /// Fault rules, qdiscs beyond the topology's impairments, and paused or stopped nodes.
    public func leftovers() async -> [String] {
        let impaired = Set(lab.plan.links.filter { $0.impairment != nil }.flatMap { [$0.a, $0.b] })
        let lab = self.lab
        return await Self.eachNode(lab.plan.nodes) { node in
            var found: [String] = []
            var output = ""
            for argv in FaultCommands.inspect(node) {
                output += await lab.backend.exec(lab.plan, node: node.name, argv, timeout: .seconds(10)).stdout + "\n"
            }
            for line in FaultCommands.leftovers(in: output) {
                let impairmentQdisc = !line.hasPrefix("-A ") && impaired.contains(node.name)
                if !impairmentQdisc { found.append("\(node.name): \(line)") }
            }
            let state = await lab.backend.state(lab.plan, node: node.name)
            if state != .running { found.append("\(node.name): node is \(state.rawValue)") }
            if state == .running, let (status, body) = try? await lab.backend.admin(lab.plan, node: node.name, method: "GET", path: AdminPath.faults),
               status == 200, let faults = try? AdminJSON.decode(AdminFaults.self, from: body), faults.smtpTempfailPercent != 0 {
                found.append("\(node.name): smtp-tempfail still set")
            }
            return found
        }
    }

    /// Runs `body` for every node at once and joins the results in the plan's node order.
    static func eachNode(_ nodes: [PlannedNode], _ body: @escaping @Sendable (PlannedNode) async -> [String]) async -> [String] {
        await withTaskGroup(of: (Int, [String]).self) { group in
            for (index, node) in nodes.enumerated() { group.addTask { (index, await body(node)) } }
            var results = [[String]](repeating: [], count: nodes.count)
            for await (index, lines) in group { results[index] = lines }
            return results.flatMap { $0 }
        }
    }
}
