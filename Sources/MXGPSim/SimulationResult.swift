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

    /// Total messages delivered.
    public var totalMessages: Int { messages.values.reduce(0, +) }

    /// The routes of one node.
    public func routes(of node: String) -> [RouteView]? { nodes.first { $0.name == node }?.routes }
}
