import Logging
import MXGPAdminAPI
import MXGPCore
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The MXGP peering of one node as a long-running `Service`: it binds the listener,
/// runs every session, and on graceful shutdown sends a cease NOTIFICATION to every
/// neighbour, closes the listener and waits for the connections to drain.
public final class PeeringService: Service, NodeStatusProvider, Sendable {
    let group: EventLoopGroup
    let controller: PeeringController
    let version: String
    /// Called by `reload()` to produce new settings (e.g. re-read the config file).
    let reloadSettings: (@Sendable () throws -> PeeringSettings)?

    /// Creates the service on one event loop of `group` (NIO's shared singleton by default).
    public init(
        settings: PeeringSettings, logger: Logger, group: EventLoopGroup? = nil, version: String = "dev",
        reload: (@Sendable () throws -> PeeringSettings)? = nil
    ) throws {
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        self.version = version
        self.reloadSettings = reload
        self.controller = try PeeringController(settings: settings, loop: self.group.next(), logger: logger)
    }

    /// Starts listening and connecting; returns once the listener is bound.
    public func start() async throws {
        try await controller.loop.flatSubmit { [controller, group] in controller.start(group: group) }.get()
    }

    /// Sends cease to every neighbour and waits until every connection closed.
    public func stop(reason: String = "node shutting down") async {
        try? await controller.loop.flatSubmit { [controller] in controller.shutdown(reason: reason) }.get()
    }

    /// `Service`: start, then run until graceful shutdown, then stop.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }

    /// The port the MXGP listener is bound to.
    public var boundPort: Int? {
        get async { try? await controller.loop.submit { [controller] in controller.boundPort }.get() }
    }

    /// Adds an observer called (on the peering event loop) for every message in and out: the
    /// metrics count them, the delivery engine learns from an OPEN that a next hop is back.
    public func observeMessages(_ observe: @escaping @Sendable (_ inbound: Bool, _ message: MXGPMessage) -> Void) async {
        try? await controller.loop.submit { [controller] in controller.messageObservers.append(observe) }.get()
    }

    /// Sets the handler called (on the peering event loop) for every REPORT a neighbour sends.
    public func onReport(_ handler: @escaping @Sendable (_ report: ReportMessage, _ neighbour: String) -> Void) async {
        try? await controller.loop.submit { [controller] in controller.reportHandler = handler }.get()
    }

    /// Sets the observer told (on the peering event loop) when a neighbour goes over its max-domains.
    public func onDomainLimit(_ observer: @escaping @Sendable (DomainLimitAction) -> Void) async {
        try? await controller.loop.submit { [controller] in controller.domainLimitObserver = observer }.get()
    }

    /// Sends a REPORT to neighbour `name`; false when its session is not Established.
    public func sendReport(_ report: ReportMessage, to name: String) async -> Bool {
        (try? await onLoop { $0.sendReport(report, to: name) }) ?? false
    }

    /// Sets the expected complaint rate (parts per million) the decision weighs CHARGEBACK with;
    /// routes whose best changed are re-advertised.
    public func setComplaintRate(_ ppm: UInt32) async {
        _ = try? await onLoop { controller in
            guard controller.engine.local.complaintRatePPM != ppm else { return }
            controller.logger.notice("expected complaint rate changed", metadata: ["ppm": "\(ppm)"])
            controller.engine.setComplaintRate(ppm)
            controller.scheduleFlush()
        }
    }

    /// Runs `body` on the controller's event loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (PeeringController) throws -> T) async throws -> T {
        try await controller.loop.submit { [controller] in try body(controller) }.get()
    }

    // MARK: NodeStatusProvider

    public func info() async -> NodeInfo {
        let (local, status, now) = (try? await onLoop { ($0.settings.local, $0.overloadStatus(), $0.now) })!
        var info = NodeInfo(name: local.name, operatorNumber: local.operatorNumber, role: local.role, region: local.region, ownDomains: local.ownDomains, version: version)
        info.overload = status.map {
            AdminOverload(
                draining: $0.draining, sinceSeconds: $0.since.map { Double((now - $0).wholeMilliseconds) / 1000 }, why: $0.why,
                queueDepth: $0.queueDepth, acceptedPerMinute: $0.acceptedPerMinute, tempfailsPerMinute: $0.tempfailsPerMinute)
        }
        return info
    }

    public func peers() async -> [PeerStatus] { (try? await onLoop { $0.peerStatuses() }) ?? [] }

    public func routes() async -> [RouteView] { (try? await onLoop { $0.engine.bestRoutes() }) ?? [] }

    public func originInvalidRoutes() async -> [IneligibleRoute] {
        (try? await onLoop { $0.engine.ineligibleRoutes(reasons: [.originInvalid]) }) ?? []
    }

    public func lookup(_ domain: DomainName) async -> RouteView? { (try? await onLoop { $0.engine.lookup(domain) }) ?? nil }

    public func resetSession(neighbour: String) async throws { try await onLoop { try $0.resetSession(named: neighbour) } }

    public func reload() async throws {
        guard let reloadSettings else { return }
        let settings = try reloadSettings()
        try await onLoop { $0.reconfigure(settings) }
    }

    /// Sessions by phase and route counts, for metrics.
    public func counters() async -> (sessions: [String: Int], routes: Int, decisionRuns: Int, originInvalidRoutes: Int) {
        (try? await onLoop { ($0.sessionCounts(), $0.engine.routeCount, $0.engine.decisionRuns, $0.engine.originInvalidRoutes) }) ?? ([:], 0, 0, 0)
    }
}

// MARK: Overload

extension PeeringService {
    /// One load sample from the delivery engine's tick: the overload monitor decides, and a
    /// start or stop of DRAINING is applied to the routing engine and re-advertised. Returns
    /// the status after the sample; nil when the node has no `overload:` config.
    public func overloadSample(queueDepth: Int) async -> OverloadStatus? {
        (try? await onLoop { $0.overloadSample(queueDepth: queueDepth) }) ?? nil
    }

    /// Counts messages taken and 4xx answers given, for the overload monitor's per-minute rates.
    public func noteLoad(accepted: Int = 0, tempfails: Int = 0) {
        controller.loop.execute { [controller] in controller.overloadCount(accepted: accepted, tempfails: tempfails) }
    }

    /// The overload monitor's view now; nil when the node has no `overload:` config.
    public func overloadStatus() async -> OverloadStatus? {
        (try? await onLoop { $0.overloadStatus() }) ?? nil
    }
}

// MARK: Data-plane queries

extension PeeringService {
    /// Where mail for `domain` goes now: local, the ranked next hops, or no route.
    public func relayTarget(for domain: DomainName) async -> RelayTarget {
        (try? await onLoop { RelayDecision.target(for: domain, in: $0.engine) }) ?? .noRoute
    }

    /// What a message for `domain` from neighbour `name` earns (``RoutingEngine/earnedPrice(for:from:fallback:)``).
    public func earnedPrice(for domain: DomainName?, from name: String, fallback: UInt32) async -> UInt32 {
        (try? await onLoop { $0.engine.earnedPrice(for: domain, from: name, fallback: fallback) }) ?? fallback
    }

    /// Relay control (DESIGN §3) for one recipient domain.
    public func mayAccept(domain: DomainName, from source: MailSource) async -> Bool {
        (try? await onLoop { RelayDecision.mayAccept(domain: domain, from: source, engine: $0.engine) }) ?? false
    }

    /// The neighbour whose configured address has this host (how SMTP clients are recognised).
    public func neighbourName(forHost host: String) async -> String? {
        (try? await onLoop { controller in
            controller.peers.first { !$0.removed && $0.config.address?.host == host }?.config.name
        }) ?? nil
    }
}
