import MXGPCore
import Foundation
import NIOConcurrencyHelpers
import Prometheus

/// The node's Prometheus metrics, served by the admin API at `/metrics`.
///
/// Each node owns its own `PrometheusCollectorRegistry`; nothing is bootstrapped into the
/// global `MetricsSystem`, so several nodes can run in one process (tests, `mxgp sim`-like
/// harnesses). Every method is thread-safe (the registry and its collectors are).
///
/// | Metric | Type | Labels | Meaning |
/// |---|---|---|---|
/// | `mxgp_sessions` | gauge | `state` | Configured neighbours whose session is in each phase (Idle … Established). |
/// | `mxgp_routes` | gauge | | Domains with a best route in the Loc-RIB. |
/// | `mxgp_updates_in_total` | counter | | UPDATE messages received from all neighbours. |
/// | `mxgp_updates_out_total` | counter | | UPDATE messages sent to all neighbours. |
/// | `mxgp_decision_runs_total` | counter | | Runs of the decision process (one per domain re-ranked). |
/// | `mxgp_routes_origin_invalid_total` | counter | | Received routes made ineligible because origin validation said Invalid (a forged origin). |
/// | `mxgp_messages_in_total` | counter | `type` | MXGP messages received, by type (OPEN, UPDATE, KEEPALIVE, NOTIFICATION, …). |
/// | `mxgp_messages_out_total` | counter | `type` | MXGP messages sent, by type. |
/// | `mxgp_notifications_total` | counter | `direction`, `code`, `subcode` | NOTIFICATIONs sent and received; code 2 is a refused OPEN (wrong role, a certificate naming another operator…), 4 a hold-timer expiry, 6 a cease. |
/// | `mxgp_queue_depth` | gauge | | Messages waiting in the outbound mail queue. |
/// | `mxgp_draining` | gauge | | 1 while the node is overloaded and marks its routes DRAINING (`overload:`), else 0. |
/// | `mxgp_deliveries_total` | counter | `result` | Mail deliveries (`delivered`, `deferred`, `bounced`). |
/// | `mxgp_failovers_total` | counter | | Deliveries that fell over to an alternate route. |
/// | `mxgp_delivery_latency_seconds` | histogram | | Per recipient, from the message's acceptance (its `receivedAt` in the store) to the next hop's 250 to DATA, or to the local mailbox commit. |
/// | `mxgp_refusals_total` | counter | `reason` | Mail refused from a neighbour under its contract or this node's policy: `rate-limit` (421 4.7.0), `max-size` (552 5.3.4), `region` (550 5.7.1). |
/// | `mxgp_complaints_total` | counter | `event` | Spam complaints: `filed` here, `received` from a neighbour, `forwarded` toward the origin, `dropped` (not carried, duplicate, no session). |
/// | `mxgp_chargebacks_total` | counter | | Chargeback units booked against neighbours. |
/// | `mxgp_domain_limit_total` | counter | `action` | Times a neighbour went over its `max-domains`, by the configured action (`warn`, `block`, `reset`). |
/// | `mxgp_nexthop_state` | gauge | `neighbour` | Each configured neighbour as a next hop: 0 healthy, 1 penalised (recent failures; tried after healthy ones), 2 down (no MXGP session), 3 degraded (slow: median delivery latency over `timers.slow-next-hop`; tried after healthy ones, before penalised ones). |
/// | `mxgp_nexthop_consecutive_failures` | gauge | `neighbour` | Failed delivery attempts in a row to the next hop since its last success. |
/// | `mxgp_nexthop_delivery_latency_seconds` | histogram | `neighbour` | Per message, how long the next hop took to take it: attempt start (connect or pooled connection) to its answer to DATA (`local MTA` for `deliver-to`). |
public final class NodeMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// The session phases reported under `mxgp_sessions{state=…}`; always all present, zero when empty.
    public static let sessionStates = ["Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established"]

    private let routeGauge: Gauge
    private let updatesIn: Counter
    private let updatesOut: Counter
    private let decisionRunCounter: Counter
    private let originInvalidCounter: Counter
    private let queueDepthGauge: Gauge
    private let failoverCounter: Counter
    private let deliveryLatencyHistogram: DurationHistogram

    /// Upper bounds of the `mxgp_delivery_latency_seconds` buckets: 5 ms (a local mailbox)
    /// to 60 s (a next hop that answered only after a timeout elsewhere); later is `+Inf`.
    public static let deliveryLatencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    /// Creates the metrics in `registry` (a fresh registry by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        routeGauge = registry.makeGauge(descriptor: Self.routesDescriptor)
        updatesIn = registry.makeCounter(descriptor: Self.updatesInDescriptor)
        updatesOut = registry.makeCounter(descriptor: Self.updatesOutDescriptor)
        decisionRunCounter = registry.makeCounter(descriptor: Self.decisionRunsDescriptor)
        originInvalidCounter = registry.makeCounter(descriptor: Self.originInvalidDescriptor)
        queueDepthGauge = registry.makeGauge(descriptor: Self.queueDepthDescriptor)
        registry.makeGauge(descriptor: Self.drainingDescriptor).set(Int64(0))
        failoverCounter = registry.makeCounter(descriptor: Self.failoversDescriptor)
        deliveryLatencyHistogram = registry.makeDurationHistogram(descriptor: Self.deliveryLatencyDescriptor, buckets: Self.deliveryLatencyBuckets)
        chargebackCounter = registry.makeCounter(descriptor: Self.chargebacksDescriptor)
        for state in Self.sessionStates {
            registry.makeGauge(descriptor: Self.sessionsDescriptor, labels: [("state", state)]).set(Int64(0))
        }
        for result in ["delivered", "deferred", "bounced"] {
            _ = registry.makeCounter(descriptor: Self.deliveriesDescriptor, labels: [("result", result)])
        }
        for reason in ["rate-limit", "max-size", "region"] {
            _ = registry.makeCounter(descriptor: Self.refusalsDescriptor, labels: [("reason", reason)])
        }
        for event in ["filed", "received", "forwarded", "dropped"] {
            _ = registry.makeCounter(descriptor: Self.complaintsDescriptor, labels: [("event", event)])
        }
    }

    private let chargebackCounter: Counter

    // MARK: Contracts

    /// Counts one refusal (`mxgp_refusals_total{reason=…}`): `rate-limit`, `max-size` or `region`.
    public func refusal(reason: String) {
        counter("refusals", [("reason", reason)]) { Self.refusalsDescriptor }.increment()
    }

    /// Counts one MXGP message in (`inbound`) or out: by type, UPDATEs, and NOTIFICATIONs by error.
    public func observe(inbound: Bool, _ message: MXGPMessage) {
        let type = MessageType(rawValue: message.typeCode).map { "\($0)" } ?? "unknown"
        if inbound { messageIn(type: type) } else { messageOut(type: type) }
        switch message {
        case .update: if inbound { updateIn() } else { updateOut() }
        case .notification(let notification): self.notification(sent: !inbound, code: notification.code.rawValue, subcode: notification.subcode)
        default: break
        }
    }

    /// Counts one NOTIFICATION sent or received, by direction and error (`mxgp_notifications_total{direction,code,subcode}`):
    /// refused sessions (wrong role, wrong operator certificate, bad OPEN), hold-timer expiries, cease.
    public func notification(sent: Bool, code: UInt8, subcode: UInt8) {
        counter("notifications", [
            ("direction", sent ? "sent" : "received"), ("code", String(code)), ("subcode", String(subcode)),
        ]) { Self.notificationsDescriptor }.increment()
    }

    /// Counts one complaint event (`mxgp_complaints_total{event=…}`).
    public func complaint(_ event: String) {
        counter("complaints", [("event", event)]) { Self.complaintsDescriptor }.increment()
    }

    /// Adds booked chargeback units (`mxgp_chargebacks_total`).
    public func chargeback(_ amount: Int) { chargebackCounter.increment(by: Int64(amount)) }

    /// Counts a neighbour going over its domain limit (`mxgp_domain_limit_total{action=…}`).
    public func domainLimit(action: String) {
        counter("domainLimit", [("action", action)]) { Self.domainLimitDescriptor }.increment()
    }

    // MARK: Routing plane

    /// Sets `mxgp_sessions{state=…}` from a count per session phase; phases not in `counts` become 0.
    public func sessionStates(_ counts: [String: Int]) {
        for state in Set(Self.sessionStates).union(counts.keys) {
            gauge("sessions", [("state", state)]) { Self.sessionsDescriptor }.set(Int64(counts[state] ?? 0))
        }
    }

    /// Sets `mxgp_routes`: the number of domains with a best route.
    public func routes(_ count: Int) { routeGauge.set(Int64(count)) }

    /// Counts one UPDATE received (`mxgp_updates_in_total`).
    public func updateIn(_ count: Int = 1) { updatesIn.increment(by: Int64(count)) }

    /// Counts one UPDATE sent (`mxgp_updates_out_total`).
    public func updateOut(_ count: Int = 1) { updatesOut.increment(by: Int64(count)) }

    /// Counts one message received, by type (`mxgp_messages_in_total{type=…}`).
    public func messageIn(type: String) {
        counter("messagesIn", [("type", type)]) { Self.messagesInDescriptor }.increment()
    }

    /// Counts one message sent, by type (`mxgp_messages_out_total{type=…}`).
    public func messageOut(type: String) {
        counter("messagesOut", [("type", type)]) { Self.messagesOutDescriptor }.increment()
    }

    /// Counts `count` runs of the decision process (`mxgp_decision_runs_total`).
    public func decisionRun(_ count: Int = 1) { decisionRunCounter.increment(by: Int64(count)) }

    /// Raises `mxgp_decision_runs_total` to `total` when the engine reports a running total
    /// (it never goes down; a smaller total is ignored).
    public func decisionRuns(total: Int) {
        let delta: Int = decisionRunTotal.withLockedValue { last in
            guard total > last else { return 0 }
            defer { last = total }
            return total - last
        }
        if delta > 0 { decisionRunCounter.increment(by: Int64(delta)) }
    }

    /// Raises `mxgp_routes_origin_invalid_total` to the engine's running total of routes made
    /// ineligible by origin validation (a smaller total is ignored).
    public func originInvalidRoutes(total: Int) {
        let delta: Int = originInvalidTotal.withLockedValue { last in
            guard total > last else { return 0 }
            defer { last = total }
            return total - last
        }
        if delta > 0 { originInvalidCounter.increment(by: Int64(delta)) }
    }

    // MARK: Data plane

    /// Sets `mxgp_queue_depth`: messages waiting in the outbound queue.
    public func queueDepth(_ count: Int) { queueDepthGauge.set(Int64(count)) }

    /// Sets `mxgp_draining`: 1 while the node announces DRAINING, else 0.
    public func draining(_ on: Bool) { gauge("draining", []) { Self.drainingDescriptor }.set(Int64(on ? 1 : 0)) }

    /// Counts one delivery attempt outcome (`mxgp_deliveries_total{result=…}`): delivered, deferred or bounced.
    public func delivery(result: String) {
        counter("deliveries", [("result", result)]) { Self.deliveriesDescriptor }.increment()
    }

    /// Counts one failover to an alternate route (`mxgp_failovers_total`).
    public func failover() { failoverCounter.increment() }

    /// Records one recipient's delivery latency (`mxgp_delivery_latency_seconds`): from
    /// `acceptedAt` (when the message was taken into custody) to `deliveredAt` (the next
    /// hop's 250, or the mailbox commit). A clock that stepped back counts as 0.
    public func deliveryLatency(acceptedAt: Date, deliveredAt: Date = Date()) {
        let seconds = max(0, deliveredAt.timeIntervalSince(acceptedAt))
        deliveryLatencyHistogram.record(.nanoseconds(Int64((seconds * 1e9).rounded())))
    }

    // MARK: Output

    /// The Prometheus text exposition of every metric, as they are now (gauges refreshed on
    /// scrape keep their last values: ``scrape()`` refreshes them first).
    public func render() -> String { registry.emitToString() }

    /// Work that brings gauges up to date, run before every scrape (``beforeScrape(_:)``).
    private let scrapeHooks = NIOLockedValueBox<[@Sendable () async -> Void]>([])

    /// Runs `refresh` before every ``scrape()``: gauges copied from the node's state are read
    /// when someone asks, so an idle node has no timer for them.
    public func beforeScrape(_ refresh: @escaping @Sendable () async -> Void) {
        scrapeHooks.withLockedValue { $0.append(refresh) }
    }

    /// Refreshes the gauges (``beforeScrape(_:)``), then renders every metric: `GET /metrics`.
    public func scrape() async -> String {
        for refresh in scrapeHooks.withLockedValue({ $0 }) { await refresh() }
        return render()
    }

    // MARK: Descriptors

    /// Labelled counters and gauges already made, by metric name and labels: a hot path (a
    /// counter per MXGP message) looks one up here instead of asking the registry, which
    /// builds the descriptor, checks its help text and hashes the labels every time.
    private let counters = NIOLockedValueBox<[String: Counter]>([:])
    private let gauges = NIOLockedValueBox<[String: Gauge]>([:])

    /// The counter `name` with `labels`, made from `descriptor` the first time.
    private func counter(_ name: String, _ labels: [(String, String)], _ descriptor: () -> MetricNameDescriptor) -> Counter {
        Self.cached(counters, name, labels) { registry.makeCounter(descriptor: descriptor(), labels: labels) }
    }

    /// The gauge `name` with `labels`, made from `descriptor` the first time.
    private func gauge(_ name: String, _ labels: [(String, String)], _ descriptor: () -> MetricNameDescriptor) -> Gauge {
        Self.cached(gauges, name, labels) { registry.makeGauge(descriptor: descriptor(), labels: labels) }
    }

    /// The metric kept in `cache` under `name` and `labels`, or the one `make` makes, kept.
    private static func cached<Metric>(_ cache: NIOLockedValueBox<[String: Metric]>, _ name: String, _ labels: [(String, String)],
                                       make: () -> Metric) -> Metric {
        let key = labels.reduce(into: name) { $0 += "\u{1}\($1.0)=\($1.1)" }
        if let made = cache.withLockedValue({ $0[key] }) { return made }
        let made = make()
        cache.withLockedValue { $0[key] = made }
        return made
    }

    /// The last running total given to `decisionRuns(total:)`.
    private let decisionRunTotal = NIOLockedValueBox(0)
    /// The last running total given to `originInvalidRoutes(total:)`.
    private let originInvalidTotal = NIOLockedValueBox(0)
    /// The neighbours `nextHops(_:)` last set gauges for (to drop those of removed neighbours).
    let nextHopNeighbours = NIOLockedValueBox<Set<String>>([])

    static var sessionsDescriptor: MetricNameDescriptor { descriptor("sessions", unit: "", help: "Configured neighbours whose MXGP session is in each phase.") }
    static var routesDescriptor: MetricNameDescriptor { descriptor("routes", unit: "", help: "Domains with a best route in the Loc-RIB.") }
    static var updatesInDescriptor: MetricNameDescriptor { descriptor("updates_in", unit: "total", help: "UPDATE messages received from all neighbours.") }
    static var updatesOutDescriptor: MetricNameDescriptor { descriptor("updates_out", unit: "total", help: "UPDATE messages sent to all neighbours.") }
    static var decisionRunsDescriptor: MetricNameDescriptor { descriptor("decision_runs", unit: "total", help: "Runs of the decision process.") }
    static var originInvalidDescriptor: MetricNameDescriptor {
        descriptor("routes_origin_invalid", unit: "total", help: "Received routes made ineligible because origin validation said Invalid.")
    }
    static var messagesInDescriptor: MetricNameDescriptor { descriptor("messages_in", unit: "total", help: "MXGP messages received, by type.") }
    static var messagesOutDescriptor: MetricNameDescriptor { descriptor("messages_out", unit: "total", help: "MXGP messages sent, by type.") }
    static var queueDepthDescriptor: MetricNameDescriptor { descriptor("queue_depth", unit: "", help: "Messages waiting in the outbound mail queue.") }
    static var drainingDescriptor: MetricNameDescriptor { descriptor("draining", unit: "", help: "1 while the node is overloaded and marks its routes DRAINING, else 0.") }
    static var deliveriesDescriptor: MetricNameDescriptor { descriptor("deliveries", unit: "total", help: "Mail delivery attempts by result (delivered, deferred, bounced).") }
    static var failoversDescriptor: MetricNameDescriptor { descriptor("failovers", unit: "total", help: "Deliveries that fell over to an alternate route.") }
    static var refusalsDescriptor: MetricNameDescriptor { descriptor("refusals", unit: "total", help: "Mail refused from neighbours by reason (rate-limit, max-size, region).") }
    static var notificationsDescriptor: MetricNameDescriptor {
        descriptor("notifications", unit: "total", help: "NOTIFICATION messages by direction, error code and subcode (2/x: a refused OPEN).")
    }
    static var complaintsDescriptor: MetricNameDescriptor { descriptor("complaints", unit: "total", help: "Spam complaints filed, received, forwarded or dropped.") }
    static var chargebacksDescriptor: MetricNameDescriptor { descriptor("chargebacks", unit: "total", help: "Chargeback units booked against neighbours.") }
    static var domainLimitDescriptor: MetricNameDescriptor { descriptor("domain_limit", unit: "total", help: "Neighbours over their max-domains, by action (warn, block, reset).") }
    static var deliveryLatencyDescriptor: MetricNameDescriptor {
        descriptor("delivery_latency", unit: "seconds", help: "Time from a message's acceptance to the next hop's 250 or the local mailbox, per recipient.")
    }

    /// A descriptor in the `mxgp` namespace.
    static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mxgp", metricName: name, unitName: unit, helpText: help)
    }
}
