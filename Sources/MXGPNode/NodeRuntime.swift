import Logging
import MXGPCore
import MXGPStore
import MXGPTopology
import ServiceLifecycle

/// One running node: the peering service, the mail data plane (SMTP server, durable
/// store, delivery engine), the admin API and the metrics, as services for a
/// `ServiceGroup`.
public struct NodeRuntime: Sendable {
    public let peering: PeeringService
    public let metrics: NodeMetrics
    public let admin: AdminServer
    public let store: NodeStore
    public let mail: MailService
    public let delivery: DeliveryEngine
    public let complaints: ComplaintDesk
    /// Every long-running piece, in start order.
    public var services: [any Service] {
        [peering, mail, delivery, complaints, admin, MetricsRefresher(peering: peering, metrics: metrics, nextHops: delivery)]
    }

    public init(config: NodeConfig, peering: PeeringService, logger: Logger) throws {
        self.peering = peering
        let metrics = NodeMetrics()
        self.metrics = metrics
        let settings = MailSettings(config: config)
        let faults = SMTPFaultSwitch()
        let store = try NodeStore(directoryPath: config.store)
        let tls = try config.tls.map { try PeeringTLS.load(certificate: $0.certificate, key: $0.key, ca: $0.ca, keyLog: $0.keyLog) }
        let delivery = DeliveryEngine(
            settings: settings, peering: peering, store: store, metrics: metrics, logger: logger, clientTLS: try tls?.smtpClientContext())
        self.store = store
        self.delivery = delivery
        self.mail = MailService(
            settings: settings,
            desk: NodeMailDesk(settings: settings, peering: peering, store: store, metrics: metrics, logger: logger, faults: faults) { [delivery] in delivery.wake() },
            tls: try tls?.smtpServerContext(), logger: logger)
        var listeners: [AdminServer.Listener] = [.unixSocket(path: config.listen.admin)]
        if let tcp = config.listen.adminTCP { listeners.append(.tcp(host: tcp.host, port: Int(tcp.port))) }
        let complaints = ComplaintDesk(settings: settings, peering: peering, store: store, metrics: metrics, logger: logger)
        self.complaints = complaints
        self.admin = AdminServer(
            provider: peering, metrics: metrics, listeners: listeners, logger: logger, mail: store, faults: faults, complaints: complaints,
            nextHops: delivery)
    }
}

/// Keeps the metrics true to the node: counts messages as they pass, and copies the peering
/// service's counters and the next hops' health into the gauges when `/metrics` is scraped
/// (``NodeMetrics/scrape()``), not on a timer, so an idle node does not wake up for them.
struct MetricsRefresher: Service {
    let peering: PeeringService
    let metrics: NodeMetrics
    /// The delivery engine's next-hop health, for `mxgp_nexthop_*`.
    var nextHops: (any NextHopHealthProvider)? = nil

    func run() async throws {
        let metrics = self.metrics
        await peering.onDomainLimit { action in metrics.domainLimit(action: action.rawValue) }
        await peering.observeMessages { inbound, message in metrics.observe(inbound: inbound, message) }
        metrics.beforeScrape { [self] in await refresh() }
        try? await gracefulShutdown()
    }

    /// Copies the counters and the next hops' health into the metrics.
    func refresh() async {
        let counters = await peering.counters()
        metrics.sessionStates(counters.sessions)
        metrics.routes(counters.routes)
        metrics.decisionRuns(total: counters.decisionRuns)
        metrics.originInvalidRoutes(total: counters.originInvalidRoutes)
        if let nextHops {
            metrics.nextHops(NextHopReport.nexthops(peers: await peering.peers(), routes: [], snapshot: nextHops.nextHopSnapshot()))
        }
    }
}
