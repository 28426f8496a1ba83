import MXGPCore
import MXGPSMTP
import MXGPTopology
import NIOCore

/// Every node of a topology in one process, connected by in-memory links that carry
/// real encoded bytes through the real decoder, session state machines and routing
/// engines, on a virtual clock. Same topology, options and seed: same run.
public final class Simulation {
    enum Event {
        case start(node: Int)
        case connect(node: Int, neighbour: Int, id: ConnectionID)
        case deliver(connection: Int, toSecond: Bool, bytes: ByteBuffer, significant: Bool)
        case closed(connection: Int, toSecond: Bool)
        case timer(node: Int, neighbour: Int, timer: SessionTimer, deadline: Duration)
        case flush(node: Int)
        case fault(SimFault)
        case submit(node: Int, send: String, index: Int, sender: String, to: String, subject: String)
        case mailTick(node: Int)
        case mailDone(SimAttempt)

        /// The node the event happens at (a paused node holds its events until it resumes).
        func node(in simulation: Simulation) -> Int? {
            switch self {
            case .start(let n), .connect(let n, _, _), .timer(let n, _, _, _), .flush(let n), .submit(let n, _, _, _, _, _), .mailTick(let n):
                return n
            case .deliver(let c, let toSecond, _, _), .closed(let c, let toSecond):
                return toSecond ? simulation.connections[c].second.node : simulation.connections[c].first.node
            case .mailDone(let attempt): return attempt.node
            case .fault: return nil
            }
        }

        var significant: Bool {
            switch self {
            case .timer, .submit, .mailTick, .mailDone: return false  // routing convergence ignores mail
            case .deliver(_, _, _, let significant): return significant
            default: return true
            }
        }
    }

    /// One end of a session inside the simulation.
    struct Peering {
        var neighbourNode: Int
        /// Index of this node in the neighbour's peering list.
        var reverseIndex: Int
        var link: SimLink
        var session: SessionStateMachine
        /// Open connections of this session: id → (connection index, this end is the first).
        var connections: [ConnectionID: (index: Int, isFirst: Bool)] = [:]
    }

    struct Node {
        var name: String
        var engine: RoutingEngine
        var peerings: [Peering]
        var up = true
        var flushScheduled = false
    }

    /// A live in-memory connection between two nodes.
    struct Connection {
        var first: (node: Int, neighbour: Int, id: ConnectionID)
        var second: (node: Int, neighbour: Int, id: ConnectionID)
        var decoders: [MXGPMessageDecoder]
        var buffers: [ByteBuffer]
        var lastDelivery: [Duration] = [.zero, .zero]
        var latency: Duration
        var open = true
    }

    public let topology: Topology
    /// The origin registry every node validates with (the topology's `origin-validation:`), as a lab would sign it.
    public let originRegistry: OriginRegistry?
    public let options: SimulationOptions
    var nodes: [Node] = []
    var connections: [Connection] = []
    var queue = EventQueue<Event>()
    var significantPending = 0
    var now: Duration = .zero
    /// Where a scenario's clock starts (``markStart()``).
    public internal(set) var startTime: Duration = .zero
    var lastSignificant: Duration = .zero
    var rng: SeededRandom
    var nextConnectionNumber: UInt64 = 1
    var downLinks: Set<SimLink>
    var linkLatency: [SimLink: Duration] = [:]
    let nodeIndex: [String: Int]
    var armed: [TimerKey: Duration] = [:]
    var messageCounts: [String: Int] = [:]
    /// Bytes written during the current event, per connection end, delivered together (like one TCP write).
    var pendingWrites: [Int: ByteBuffer] = [:]
    var pendingOrder: [Int] = []
    var pendingSignificant: Set<Int> = []
    var routeChanges = 0

    // The mail plane (Simulation+Mail.swift).
    /// Per node, durable across restarts.
    var mail: [SimNodeMail] = []
    /// Timers of the simulated mail plane.
    public var mailTimers = SimMailTimers()
    /// Draws for the mail plane and link conditions, apart from the routing draws.
    var mailRNG: SeededRandom
    var linkConditions: [SimLink: SimLinkCondition] = [:]
    /// Blackholed links and the writes they hold (connection, direction, bytes), in order.
    var blackholed: [SimLink: [(connection: Int, toSecond: Bool, bytes: ByteBuffer)]] = [:]
    /// Paused nodes (SIGSTOP) and the events they will handle when they resume.
    var paused: Set<Int> = []
    var stashed: [Int: [Event]] = [:]
    var submissions: [String: [SimSubmission]] = [:]
    /// Per direction (`from>to`): transactions whose next hop took the message but whose 250 was
    /// lost to a link failure (the receiver booked a message the sender does not know it handed over).
    var unacknowledgedCounts: [String: Int] = [:]
    /// Per direction (`from>to`): messages the receiver already held, taken with a 250 but
    /// without a second copy or a second booking (the sender books them: it got its 250).
    var duplicateCounts: [String: Int] = [:]
    var nextQueueID = 0
    /// Keep ``eventLog`` (off by default: a large simulation would fill it).
    public var keepsLog = false
    /// One line per session and mail event, in order (a scenario run's `logs/sim.log`).
    public internal(set) var eventLog: [String] = []
    /// Per node: contracts by neighbour name, and neighbour names by operator number.
    var contracts: [[String: MailContract]] = []
    var neighbourByOperator: [[OperatorNumber: String]] = []
    /// Domains whose route changes are recorded in ``routeLog``.
    public var watchedDomains: Set<DomainName> = []
    /// Route changes of the watched domains: time, node, domain, new route (nil: none).
    public internal(set) var routeLog: [(time: Duration, node: String, domain: DomainName, route: RouteView?)] = []

    struct TimerKey: Hashable {
        var node: Int
        var neighbour: Int
        var timer: SessionTimer
    }

    /// Prepares the run: builds one routing engine and one session per neighbour for every node.
    public init(topology: Topology, options: SimulationOptions = SimulationOptions()) {
        self.topology = topology
        self.originRegistry = topology.originRegistry
        self.options = options
        self.rng = SeededRandom(seed: options.seed)
        self.mailRNG = SeededRandom(seed: options.seed ^ 0x6D61_696C)
        self.downLinks = options.failedLinks
        self.nodeIndex = Dictionary(uniqueKeysWithValues: topology.nodes.enumerated().map { ($1.name, $0) })
        nodes = topology.nodes.indices.map { buildNode($0) }
        for n in nodes.indices {
            for p in nodes[n].peerings.indices {
                let other = nodes[n].peerings[p].neighbourNode
                nodes[n].peerings[p].reverseIndex = nodes[other].peerings.firstIndex { $0.neighbourNode == n }!
            }
        }
        for link in topology.links {
            let key = SimLink(link.a, link.b)
            let ms = options.latency.lowerBound + Int(rng.next() % UInt64(options.latency.count))
            linkLatency[key] = .milliseconds(ms)
        }
        for n in nodes.indices where nodes[n].up {
            schedule(.start(node: n), at: .zero)
        }
        mailTimers.apply(topology.timers)
        for n in topology.nodes.indices {
            let neighbours = topology.neighbours(of: topology.nodes[n].name)
            mail.append(SimNodeMail(health: NextHopHealth(base: mailTimers.nextHopPenalty, cap: .seconds(300)), slow: mailTimers.slowNextHops))
            mail[n].overload = topology.nodes[n].overload.map(OverloadMonitor.init(settings:))
            contracts.append(Dictionary(uniqueKeysWithValues: neighbours.map {
                ($0.node.name, MailContract(rateLimit: Int($0.link.rateLimit), maxSize: Int($0.link.maxSize ?? 10 * 1024 * 1024), chargeback: Int($0.link.chargeback)))
            }))
            neighbourByOperator.append(Dictionary(neighbours.map { ($0.node.operatorNumber, $0.node.name) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    /// Runs every event up to virtual time `time` (a scenario's clock); afterwards `now` is `time`.
    public func advance(to time: Duration) {
        while let next = queue.nextTime, next <= time, let entry = queue.pop() {
            now = entry.time
            if entry.payload.significant {
                significantPending -= 1
                lastSignificant = now
            }
            dispatch(entry.payload)
            flushWrites()
        }
        if time > now { now = time }
    }

    /// The virtual time now.
    public var virtualNow: Duration { now }

    /// Handles an event, or holds it while its node is paused.
    func dispatch(_ event: Event) {
        if let n = event.node(in: self), paused.contains(n) {
            stashed[n, default: []].append(event)
            return
        }
        handle(event)
    }

    /// A node as it starts: fresh routing engine, one idle session per neighbour.
    func buildNode(_ i: Int) -> Node {
        let node = topology.nodes[i]
        let neighbours = topology.neighbours(of: node.name)
        var engine = RoutingEngine(
            local: topology.routingConfig(for: node, nextHop: "\(node.name):25"), neighbours: topology.neighbourRoutingConfigs(of: node.name))
        engine.originValidator = originRegistry
        let peerings = neighbours.map { neighbour in
            Peering(
                neighbourNode: nodeIndex[neighbour.node.name]!, reverseIndex: -1, link: SimLink(node.name, neighbour.node.name),
                session: SessionStateMachine(
                    configuration: SessionConfiguration(
                        localOperator: node.operatorNumber, nodeName: node.name, nodeRole: node.role, region: node.region,
                        neighbourOperator: neighbour.node.operatorNumber, neighbourRelationship: neighbour.relationship,
                        holdTime: options.holdTime, fastLivenessMilliseconds: options.fastLivenessMilliseconds, reconnect: .lab),
                    jitterSeed: options.seed &+ UInt64(node.operatorNumber)))
        }
        return Node(name: node.name, engine: engine, peerings: peerings, up: !options.failedNodes.contains(node.name))
    }

    /// Schedules a fault at a virtual time.
    public func inject(_ fault: SimFault, at time: Duration) {
        schedule(.fault(fault), at: time)
    }

    /// Runs until converged or out of virtual time.
    public func run() -> SimulationResult {
        while let entry = queue.pop() {
            if entry.time > options.maximumVirtualTime { break }
            now = entry.time
            if entry.payload.significant {
                significantPending -= 1
                lastSignificant = now
            }
            dispatch(entry.payload)
            flushWrites()
            if significantPending == 0 && allLiveSessionsEstablished() { break }
        }
        return result()
    }

    func result() -> SimulationResult {
        let converged = significantPending == 0 && allLiveSessionsEstablished()
        return SimulationResult(
            converged: converged, virtualTime: lastSignificant, messages: messageCounts, routeChanges: routeChanges,
            nodes: nodes.map { (name: $0.name, routes: $0.up ? $0.engine.bestRoutes() : []) },
            ineligible: Dictionary(uniqueKeysWithValues: nodes.compactMap { node in
                let refused = node.up ? node.engine.ineligibleRoutes(reasons: SimulationResult.shownIneligible) : []
                return refused.isEmpty ? nil : (node.name, refused)
            }))
    }

    /// True when every session between two live nodes over a live link is Established.
    func allLiveSessionsEstablished() -> Bool {
        for node in nodes where node.up {
            for peering in node.peerings where nodes[peering.neighbourNode].up && !downLinks.contains(peering.link) {
                if peering.session.phase != .established { return false }
            }
        }
        return true
    }

    func schedule(_ event: Event, at time: Duration) {
        if event.significant { significantPending += 1 }
        queue.schedule(event, at: time)
    }

    /// The engine of a node, for tests.
    public func engine(of name: String) -> RoutingEngine? { nodes.first { $0.name == name }?.engine }

    /// The session phase between two nodes, seen from `node`.
    public func sessionPhase(_ node: String, _ neighbour: String) -> SessionPhase? {
        guard let n = nodes.firstIndex(where: { $0.name == node }) else { return nil }
        return nodes[n].peerings.first { nodes[$0.neighbourNode].name == neighbour }?.session.phase
    }
}
