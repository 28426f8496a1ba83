import MXGPAdminAPI
import MXGPCore

extension NodeStatusProvider {
    /// None, for providers without origin validation.
    public func originInvalidRoutes() async -> [IneligibleRoute] { [] }
    /// None, for providers that do not keep refused routes.
    public func refusedRoutes(for domain: DomainName) async -> [IneligibleRoute] { [] }
}

/// What the admin API reads from (and asks of) a running node. The node implements it;
/// tests can use a fake.
public protocol NodeStatusProvider: Sendable {
    /// Who the node is.
    func info() async -> NodeInfo
    /// Every configured neighbour's session.
    func peers() async -> [PeerStatus]
    /// Every best route with its ranked alternates, sorted by domain.
    func routes() async -> [RouteView]
    /// Received routes refused because origin validation said Invalid (forged origins).
    func originInvalidRoutes() async -> [IneligibleRoute]
    /// The route mail for `domain` follows (longest label-wise suffix, `.` as default), if any.
    func lookup(_ domain: DomainName) async -> RouteView?
    /// Received routes for exactly `domain` that are no candidates, with the reason (loops left out).
    func refusedRoutes(for domain: DomainName) async -> [IneligibleRoute]
    /// Closes and restarts the session with a neighbour (the lab's `session-reset` fault).
    func resetSession(neighbour: String) async throws
    /// Re-reads the configuration file (what SIGHUP does).
    func reload() async throws
}
