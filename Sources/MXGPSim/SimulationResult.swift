import MXGPCore

/// The outcome of a simulation run.
public struct SimulationResult: Sendable {
    /// True when every live session was Established and no route change was pending.
    public var converged: Bool
    /// Virtual time at which the last significant event happened.
    public var virtualTime: Duration
    /// Messages delivered, by type name (`UPDATE`, `OPEN`, …).
    public var messages: [String: Int]
    /// Domains announced and withdrawn in delivered UPDATEs.
    public var routeChanges: Int
    /// Best routes of every node (node names in topology order).
    public var nodes: [(name: String, routes: [RouteView])]
    /// Received routes each node refused for a reason a person should see (``shownIneligible``),
    /// by node name; nodes without such routes are absent.
    public var ineligible: [String: [IneligibleRoute]] = [:]

    /// The refusals worth showing: origin Invalid, region refused, route leak (OTC), import
    /// policy. Loops and paths not starting with the neighbour are the protocol working as
    /// designed on every link and would only hide these.
    public static let shownIneligible: Set<IneligibleReason> = [.originInvalid, .otcLeak, .importRejected]

    /// Total messages delivered.
    public var totalMessages: Int { messages.values.reduce(0, +) }

    /// The routes of one node.
    public func routes(of node: String) -> [RouteView]? { nodes.first { $0.name == node }?.routes }
}

/// Formats virtual time for people.
public enum RouteClock {
    /// `1.234s` or `12.5ms`.
    public static func format(_ duration: Duration) -> String {
        let micros = duration.wholeMicroseconds
        if micros >= 1_000_000 { return "\(micros / 1_000_000).\(pad(micros % 1_000_000 / 1000, 3))s" }
        return "\(micros / 1000).\(pad(micros % 1000 / 100, 1))ms"
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
