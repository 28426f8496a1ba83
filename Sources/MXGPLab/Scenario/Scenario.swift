import MXGPCore

/// A scripted exercise (`mxgp lab run SCENARIO.yaml`): a topology, a seed and a timeline of
/// steps — sends, faults, heals, waits and expectations — ending in a delivery check.
public struct Scenario: Sendable, Hashable {
    /// The scenario's name (`scenario:`), used for the run folder.
    public var name: String
    /// What the exercise is about (`description:`), printed at the top of the report.
    public var description: String
    /// The topology file, resolved against the scenario file's folder.
    public var topologyPath: String
    /// The seed (`seed:`, default 1): makes the run's random choices repeatable.
    public var seed: UInt64
    /// The timeline.
    public var steps: [ScenarioStep]
}

/// One step of a scenario, with the line it came from.
public struct ScenarioStep: Sendable, Hashable {
    public var action: ScenarioAction
    public var line: Int
    /// For an expectation: the harm it shows when it holds (`harmful: "mail went to the
    /// hijacker"`), so the report says that the story held as a warning, not as good news.
    public var harmful: String? = nil
}

/// What a step does.
public enum ScenarioAction: Sendable, Hashable {
    /// Submit mail at a node's relay; in the background it runs while later steps go on.
    case send(ScenarioSend)
    /// Apply a fault (the `mxgp lab fault` syntax).
    case fault(LabFault)
    /// Remove every fault (nil) or one.
    case heal(LabFault?)
    /// Do nothing for a while.
    case wait(Duration)
    /// Poll until the expectation holds or `within` runs out (nil: check once).
    case expect(ScenarioExpectation, within: Duration?)
    /// Every message that got a 250 was delivered exactly once or bounced.
    case check(within: Duration)
    /// File a spam complaint at `node` (`mxgp ctl complain`) about the first `count` delivered
    /// messages of a send (the last one, or the one named).
    case complain(node: String, send: String?, count: Int)
    /// Ask the room a question and wait for Enter (`pause: "question to the class"`); skipped
    /// with `--no-pause`, without a terminal and in the simulator.
    case pause(String)

    /// Whether the final heal of a scenario is this step (`--stop-before-heal` stops here).
    public var isHeal: Bool {
        if case .heal = self { return true }
        return false
    }

    /// A short label for reports, e.g. `fault cut colo1 up1`.
    public var label: String {
        switch self {
        case .send(let send):
            return "send \(send.count) from \(send.from) to \(send.to)" + (send.rate.map { " at \(Self.number($0))/s" } ?? "")
                + (send.background ? " (background)" : "") + (send.id.map { " [\($0)]" } ?? "")
        case .fault(let fault): return "fault \(fault.description)"
        case .heal(let fault): return "heal " + (fault?.description ?? "all")
        case .wait(let duration): return "wait \(Lab.seconds(duration))"
        case .expect(let expectation, let within): return "expect \(expectation.label)" + (within.map { " within \(Lab.seconds($0))" } ?? "")
        case .check: return "check every message delivered exactly once or bounced"
        case .complain(let node, let send, let count):
            return "complain at \(node) about \(count) message\(count == 1 ? "" : "s")" + (send.map { " of [\($0)]" } ?? "")
        case .pause(let question): return "pause: \(question)"
        }
    }

    /// The label in a run at `slow` (`mxgp lab run --slow`): a wait step says how long it
    /// waited, e.g. `wait 6.00 s (2.00 s × slow 3)`.
    public func label(slow: Double) -> String {
        guard case .wait(let duration) = self, slow > 1 else { return label }
        return "wait \(Lab.seconds(duration * slow)) (\(Lab.seconds(duration)) × slow \(Self.number(slow)))"
    }

    public static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}

/// A `send:` step.
public struct ScenarioSend: Sendable, Hashable {
    public var from: String
    public var to: String
    public var count: Int
    /// Messages per second; nil sends as fast as the relay takes them.
    public var rate: Double?
    public var background: Bool
    /// A name for `expect: {via: …, send: ID}`; defaults to the step's position.
    public var id: String?
}

/// What an `expect:` step checks.
public enum ScenarioExpectation: Sendable, Hashable {
    /// At least `count` messages in the mailbox of `to`.
    case delivered(to: String, count: Int)
    /// Every message of a send (the last one, or the one named) crossed these nodes.
    case via(nodes: [String], send: String?)
    /// A node's best route for a domain has this next hop (`nil`: local) and/or operator path.
    case route(node: String, domain: String, nextHop: String??, path: [OperatorNumber]?, reason: String? = nil)
    /// The session between `a` and `b`, seen from `a`, is in this state (established, idle, active,
    /// connect…, or `down`: any but established).
    case session(a: String, b: String, state: String)
    /// A node's queue holds at least `min` and at most `max` messages.
    case queue(node: String, min: Int?, max: Int?)
    /// At least `count` delivery status notifications reached `to`.
    case bounced(to: String, count: Int)
    /// A node's ledger with a neighbour shows at least this much owed, earned and/or charged back.
    /// `chargebacks`: receivable from the neighbour; `payable`: owed to it for complaints about mail handed over.
    case ledger(node: String, neighbour: String, owed: Int?, earned: Int?, chargebacks: Int? = nil, payable: Int? = nil)

    public var label: String {
        switch self {
        case .delivered(let to, let count): return "delivered \(count) to \(to)"
        case .via(let nodes, let send): return "via \(nodes.joined(separator: ", "))" + (send.map { " [\($0)]" } ?? "")
        case .route(let node, let domain, let nextHop, let path, let reason):
            var parts = ["route \(node) \(domain)"]
            if let nextHop { parts.append("next hop \(nextHop ?? "local")") }
            if let path { parts.append("path \(path.map(String.init).joined(separator: " "))") }
            if let reason { parts.append("reason \(reason)") }
            return parts.joined(separator: ", ")
        case .session(let a, let b, let state): return "session \(a)–\(b) \(state)"
        case .queue(let node, let min, let max):
            return "queue \(node)" + (min.map { " ≥ \($0)" } ?? "") + (max.map { " ≤ \($0)" } ?? "")
        case .bounced(let to, let count): return "bounced \(count) to \(to)"
        case .ledger(let node, let neighbour, let owed, let earned, let chargebacks, let payable):
            return "ledger \(node)/\(neighbour)" + (owed.map { " owed ≥ \($0)" } ?? "") + (earned.map { " earned ≥ \($0)" } ?? "")
                + (chargebacks.map { " chargebacks ≥ \($0)" } ?? "") + (payable.map { " payable ≥ \($0)" } ?? "")
        }
    }
}
