import MXGPAdminAPI
import MXGPCore
import MXGPSim
import MXGPTopology

/// A scenario in the simulator (`mxgp lab run --backend sim`): every node of the topology in
/// this process, on a virtual clock, with the real session state machines, routing engines,
/// relay rules and SMTP state machines (``Simulation``). Waits cost no wall time; the same
/// seed gives the same run.
///
/// Faults map onto the simulation: cut, down and partition take links down; kill and restart
/// stop and start a node (its queue, mailboxes and ledger survive, as the store does); pause
/// freezes it; loss, rate and delay are modelled (TCP retransmissions drawn from the seed,
/// transfer time at the rate, added latency); smtp-tempfail answers 421 to that share of
/// recipients, drawn from the seed; session-reset breaks the MXGP connection.
public actor SimScenarioTarget: ScenarioTarget {
    public nonisolated let name: String
    public nonisolated let topology: Topology
    let simulation: Simulation
    private var active: [LabFault] = []

    /// A simulation of `topology` with `seed`, converged before the first step (as a lab is
    /// before a scenario runs: `lab run` waits for convergence).
    public init(topology: Topology, seed: UInt64, name: String? = nil, watch: [DomainName] = []) {
        self.name = name ?? topology.name
        self.topology = topology
        var options = SimulationOptions(seed: seed)
        options.fastLivenessMilliseconds = LabPlanner.fastLivenessMilliseconds
        let simulation = Simulation(topology: topology, options: options)
        simulation.watchedDomains = Set(watch)
        simulation.keepsLog = true
        var t: Duration = .zero
        while t < .seconds(60) {
            t += .milliseconds(100)
            simulation.advance(to: t)
            if simulation.isConverged { break }
        }
        simulation.markStart()
        self.simulation = simulation
    }

    /// The simulation, for replay and tests.
    public func withSimulation<T>(_ body: (Simulation) -> T) -> T { body(simulation) }

    public func elapsed() async -> Duration { simulation.virtualNow - simulation.startTime }
    public func pause(for duration: Duration) async { await advance(to: simulation.virtualNow + duration) }

    /// Runs the simulation up to `end` in slices of 200 ms of virtual time, yielding between
    /// them: a long wait must not hold a thread of the cooperative pool (2 on a 2-core
    /// machine) for seconds, or every other task in the process starves (node tests did).
    func advance(to end: Duration) async {
        repeat {
            simulation.advance(to: min(end, simulation.virtualNow + .milliseconds(200)))
            await Task.yield()
        } while simulation.virtualNow < end
    }
    public nonisolated func startStamp(running seconds: Double) -> String { "2026-01-01T00:00:00Z" }

    public func startSend(_ send: ScenarioSend, sender: String, subject: String, id: String) async -> @Sendable () async -> [(messageId: String, status: String)] {
        let last = simulation.submit(id: id, from: send.from, sender: sender, to: send.to, count: send.count, rate: send.rate, subject: subject, at: simulation.virtualNow)
        return { [self] in await self.answers(id, count: send.count, last: last) }
    }

    /// Lets time run until the send's last message was answered; one held by a paused node
    /// counts as deferred (the client would time out).
    func answers(_ id: String, count: Int, last: Duration) async -> [(messageId: String, status: String)] {
        if simulation.virtualNow <= last { await advance(to: last + .milliseconds(1)) }
        var answers = simulation.submissions(of: id).map { ($0.messageId, $0.status) }
        while answers.count < count { answers.append(("unanswered-\(id)-\(answers.count + 1)", "deferred")) }
        return answers
    }

    public func apply(_ fault: LabFault) async throws {
        try validate(fault)
        for change in Self.changes(fault, topology: topology, undo: false) { simulation.inject(change, at: simulation.virtualNow) }
        if case .restart(let node) = fault { simulation.inject(.nodeUp(node), at: simulation.virtualNow + .milliseconds(500)) }
        if fault.persists { active.append(fault) }
        simulation.advance(to: simulation.virtualNow)
    }

    public func heal(_ fault: LabFault?) async throws -> [LabFault] {
        let undone: [LabFault]
        if let fault {
            guard active.contains(fault) else {
                throw LabError("\(fault.description) is not active; active: \(active.map(\.description).joined(separator: ", "))")
            }
            undone = [fault]
        } else {
            undone = active
        }
        for fault in undone.reversed() {
            for change in Self.changes(fault, topology: topology, undo: true) { simulation.inject(change, at: simulation.virtualNow) }
            active.removeAll { $0 == fault }
        }
        // A link fault on a link another active fault also cuts stays cut.
        for other in active { for change in Self.changes(other, topology: topology, undo: false) { simulation.inject(change, at: simulation.virtualNow) } }
        simulation.advance(to: simulation.virtualNow)
        return undone
    }

    /// The simulation changes that apply (or undo) a lab fault.
    static func changes(_ fault: LabFault, topology: Topology, undo: Bool) -> [SimFault] {
        switch fault {
        case .cut(let a, let b, _):
            return [undo ? .linkUp(SimLink(a, b)) : .blackhole(SimLink(a, b))]
        case .down(let a, let b):
            return [undo ? .linkUp(SimLink(a, b)) : .linkDown(SimLink(a, b))]
        case .partition(let nodes):
            let inside = Set(nodes)
            return topology.links.filter { inside.contains($0.a) != inside.contains($0.b) }.map {
                undo ? .linkUp(SimLink($0.a, $0.b)) : .blackhole(SimLink($0.a, $0.b))
            }
        case .loss(let a, let b, let percent):
            return [undo ? .unimpair(SimLink(a, b)) : .impair(SimLink(a, b), LinkImpairment(lossPercent: percent))]
        case .rate(let a, let b, let kbit):
            return [undo ? .unimpair(SimLink(a, b)) : .impair(SimLink(a, b), LinkImpairment(rateKbit: kbit))]
        case .delay(let a, let b, let ms, let jitter):
            return [undo ? .unimpair(SimLink(a, b)) : .impair(SimLink(a, b), LinkImpairment(delayMilliseconds: ms, jitterMilliseconds: jitter))]
        case .kill(let node):
            return [undo ? .nodeUp(node) : .nodeDown(node)]
        case .pause(let node):
            return [undo ? .resume(node) : .pause(node)]
        case .restart(let node):
            return undo ? [] : [.nodeDown(node)]
        case .sessionReset(let a, let b):
            return undo ? [] : [.sessionReset(a, b)]
        case .smtpTempfail(let node, let percent):
            return [.tempfail(node, percent: undo ? 0 : percent)]
        }
    }

    /// Checks the fault's nodes and links against the topology, with the lab's messages.
    func validate(_ fault: LabFault) throws(LabError) {
        for node in fault.nodes where topology.node(named: node) == nil {
            throw LabError("lab \(name) has no node \(node.debugDescription); its nodes: \(topology.nodes.map(\.name).joined(separator: ", "))")
        }
        switch fault {
        case .kill(let node), .pause(let node), .restart(let node):
            // As on a lab: a process fault needs a running process.
            guard simulation.isUp(node) else { throw LabError("node \(node) of lab \(name) is not running") }
        case .cut(let a, let b, _), .down(let a, let b), .loss(let a, let b, _), .rate(let a, let b, _), .delay(let a, let b, _, _), .sessionReset(let a, let b):
            guard topology.neighbours(of: a).contains(where: { $0.node.name == b }) else {
                throw LabError("\(a) and \(b) are not linked in lab \(name); \(a)'s neighbours: \(topology.neighbours(of: a).map(\.node.name).joined(separator: ", "))")
            }
        default: break
        }
    }

    public func routes(_ node: String) async throws -> [String: RouteKey] {
        try answering(node)
        return Dictionary(simulation.bestRoutes(of: node).map { ($0.domain.text, RouteKey(nextHop: $0.nextHop, path: $0.path, reason: $0.reason.rawValue)) }, uniquingKeysWith: { a, _ in a })
    }

    public func peers(_ node: String) async throws -> [(name: String, state: String)] {
        try answering(node)
        return simulation.peers(of: node).map { ($0.name, $0.phase.description) }
    }

    public func mailbox(_ node: String, _ address: String) async throws -> [AdminMailboxMessage] {
        try answering(node)
        return simulation.mailbox(of: node, address: address).map {
            AdminMailboxMessage(messageId: "<\($0.messageId)>", from: $0.from, to: $0.to, subject: $0.subject,
                                receivedAt: RouteClock.format($0.receivedAt), hops: $0.hops)
        }
    }

    public func queueDepth(_ node: String) async throws -> Int {
        try answering(node)
        return simulation.queueDepth(of: node)
    }

    public func ledger(_ node: String) async throws -> [AdminLedgerEntry] {
        try answering(node)
        return simulation.ledger(of: node).map {
            AdminLedgerEntry(neighbour: $0.neighbour, messagesIn: $0.messagesIn, messagesOut: $0.messagesOut, bytesIn: $0.bytesIn, bytesOut: $0.bytesOut,
                             owed: $0.owed, earned: $0.earned, chargebacks: $0.chargebacks, complaints: $0.complaints,
                             chargebacksPayable: $0.chargebacksPayable, complaintsPayable: $0.complaintsPayable)
        }
    }

    public func complain(_ node: String, messageId: String) async throws -> ScenarioComplaint {
        try answering(node)
        switch simulation.complain(at: node, messageId: messageId) {
        case .success(let outcome): return ScenarioComplaint(bookedAgainst: outcome.bookedAgainst, amount: outcome.amount, forwardedTo: outcome.forwardedTo)
        case .failure(let error): throw LabError(error.description)
        }
    }

    /// A node that is down or paused does not answer its admin API.
    func answering(_ node: String) throws(LabError) {
        guard topology.node(named: node) != nil else { throw LabError("lab \(name) has no node \(node.debugDescription)") }
        guard simulation.isUp(node), !simulation.isPaused(node) else { throw LabError("\(node) is not answering (it is \(simulation.isUp(node) ? "paused" : "down"))") }
    }
}
