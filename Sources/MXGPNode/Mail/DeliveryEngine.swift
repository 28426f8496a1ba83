import Foundation
import Logging
import MXGPCore
import MXGPSMTP
import MXGPStore
import MXGPTopology
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// Takes due messages from the queue and forwards them along the ranked routes: on a
/// connect failure, timeout, 421 or other 4xx it moves to the next alternate at once and
/// penalises the failing next hop; a message leaves the queue only after the next hop's 250.
public final class DeliveryEngine: Service, Sendable {
    let settings: MailSettings
    let peering: PeeringService
    let store: NodeStore
    let metrics: NodeMetrics?
    let logger: Logger
    let group: EventLoopGroup
    /// STARTTLS toward next hops that offer it; nil sends in plaintext.
    let clientTLS: NIOSSLContext?
    /// Next-hop health and the queue ids with a delivery running now.
    private let state: NIOLockedValueBox<State>
    private struct State {
        var health: NextHopHealth
        var inFlight: Set<String> = []
        /// Messages, bytes, latencies and last error per next hop (`GET /v1/nexthops`).
        var stats = NextHopStats()
        /// Next hops whose recent deliveries are slow (tried after the healthy ones).
        var slow: SlowNextHops
        /// The last look found the queue empty and nothing in flight: the periodic tick looks
        /// again only after half a minute, as a safety net (new mail and route changes wake the
        /// engine, and an empty queue has no retry due), so a thousand idle lab nodes do not
        /// each query their store four times a second.
        var idle = false
        /// Engine time of the next queue-depth sample (see `drain()`).
        var nextSample: Duration = .zero
    }
    /// Ticks of 250 ms between looks at an idle queue (30 s).
    static let idleTicks = 120
    /// The clock of retries and idle looks: every 250 ms while busy, after 30 s while idle.
    private let ticker = IdleTicker()
    /// The deliveries running now, children of `run()`.
    private let work = ServiceWork()
    /// How long deliveries in progress may take to finish at shutdown.
    let shutdownDrain: Duration = .seconds(5)
    /// Most deliveries running at once.
    let maximumInFlight = 64
    /// Idle connections to next hops, reused by the next message to the same hop.
    let pool: SMTPConnectionPool
    private let wakeup: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    private let epoch = ContinuousClock.now

    public init(
        settings: MailSettings, peering: PeeringService, store: NodeStore, metrics: NodeMetrics?, logger: Logger,
        clientTLS: NIOSSLContext? = nil, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        pool: SMTPConnectionPool = SMTPConnectionPool()
    ) {
        self.clientTLS = clientTLS
        self.pool = pool
        self.settings = settings
        self.peering = peering
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.group = group
        self.state = NIOLockedValueBox(State(health: NextHopHealth(base: settings.nextHopPenalty, cap: .seconds(300)), slow: settings.slowNextHops))
        (self.wakeups, self.wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Forgets the penalty of a next hop whose session has just come back (its OPEN arrived),
    /// so mail returns to the best route at once instead of after the backoff.
    public func nextHopRecovered(_ neighbour: String) {
        state.withLockedValue { $0.health.succeeded(neighbour) }
        wake()
    }

    /// Asks the engine to look at the queue now (a message arrived, or routes changed).
    public func wake() { wakeup.yield() }

    /// The engine has work that is due later (a retry, a DSN): ticks every 250 ms again.
    func markBusy() {
        state.withLockedValue { $0.idle = false }
        ticker.busy()
    }

    /// Next-hop penalties, counters and latencies now (`GET /v1/nexthops`, metrics).
    public func nextHopSnapshot() -> NextHopSnapshot {
        state.withLockedValue { NextHopSnapshot(health: $0.health, stats: $0.stats, slow: $0.slow, now: now) }
    }

    /// Counts a message `nextHop` took after `latency`, in its stats and its latency histogram.
    /// The attempt started at `started` (engine time); a slow median makes the next hop degraded.
    func noteDelivered(to nextHop: String, bytes: Int, latency: Duration, started: Duration) {
        let change = state.withLockedValue { state -> SlowNextHops.Change? in
            state.stats.delivered(nextHop, bytes: bytes, latency: latency)
            return state.slow.delivered(nextHop, latency: latency, started: started, now: now)
        }
        metrics?.nextHopLatency(nextHop, latency)
        switch change {
        case .degraded(let median):
            logger.notice("next hop is slow; new mail prefers an alternate", metadata: [
                "next_hop": "\(nextHop)", "median_latency": "\(median)"])
        case .recovered:
            logger.notice("slow next hop is fast again", metadata: ["next_hop": "\(nextHop)", "latency": "\(latency)"])
        case nil:
            break
        }
    }

    /// Keeps the error of a failed attempt to `nextHop` and its wall time.
    func noteFailed(_ nextHop: String, error: String) {
        state.withLockedValue { $0.stats.failed(nextHop, error: error, at: Date().timeIntervalSince1970) }
    }

    var now: Duration { ContinuousClock.now - epoch }

    public func run() async throws {
        await peering.observeMessages { [weak self] inbound, message in
            if inbound, case .open(let open) = message { self?.nextHopRecovered(open.nodeName) }
        }
        let recovered = try await store.recover()
        if recovered > 0 { logger.notice("recipients left in delivery by a crash are queued again", metadata: ["count": "\(recovered)"]) }
        // Deliveries are children of this task group: at shutdown no new one starts, those
        // running get `shutdownDrain` to finish (a cancelled one stays queued and is retried
        // after a restart), and only then are the pooled connections closed.
        await withDiscardingTaskGroup { group in
            group.addTask { await self.work.run(drainFor: self.shutdownDrain) }
            let state = self.state
            let wakeup = self.wakeup
            group.addTask { [ticker] in
                await ticker.run(interval: .milliseconds(250), idleInterval: .milliseconds(250) * Self.idleTicks,
                                 isIdle: { state.withLockedValue { $0.idle } }, tick: { wakeup.yield() })
            }
            for await _ in wakeups.cancelOnGracefulShutdown() {
                await drain()
            }
            ticker.stop()
            work.finish()
        }
        pool.close()
    }

    /// Delivers everything that is due, a batch at a time.
    /// Starts a delivery for every due message not already in flight (at most
    /// `maximumInFlight` at once). Deliveries run independently: one slow next hop does
    /// not hold up mail for the others.
    func drain() async {
        while !Task.isShuttingDownGracefully {
            let busy = state.withLockedValue { $0.inFlight }
            let room = maximumInFlight - busy.count
            guard room > 0, let due = try? await store.due(now: Date(), limit: room, excluding: busy) else { break }
            let fresh = due.filter { !busy.contains($0.id) }.prefix(room)
            guard !fresh.isEmpty else { break }
            for delivery in fresh {
                // Busy until a queue-depth sample finds the queue empty again.
                state.withLockedValue { _ = $0.inFlight.insert(delivery.id); $0.idle = false }
                ticker.busy()
                let started = work.submit {
                    await self.deliver(delivery)
                    self.state.withLockedValue { _ = $0.inFlight.remove(delivery.id) }
                    self.wake()
                }
                if !started { state.withLockedValue { _ = $0.inFlight.remove(delivery.id) } }
            }
        }
        // The queue depth (a count over the whole queue) and the bounce scan at most every
        // `sampleInterval`: drain() runs after every finished delivery, thousands of times a
        // second under load, and counting the queue each time cost more than the deliveries.
        let sampleNow = now
        let sampleDue = state.withLockedValue { state -> Bool in
            guard sampleNow >= state.nextSample else { return false }
            state.nextSample = sampleNow + Self.sampleInterval
            return true
        }
        guard sampleDue else { return }
        if let depth = try? await store.queueDepth() {
            metrics?.queueDepth(depth)
            let status = await peering.overloadSample(queueDepth: depth)
            if let status { metrics?.draining(status.draining) }
            // A draining node is not idle: it withdraws DRAINING only when a sample finds the
            // load back below its watermarks, so it keeps sampling every tick until then.
            state.withLockedValue { $0.idle = depth == 0 && $0.inFlight.isEmpty && status?.draining != true }
        }
        await returnBounces()
    }

    /// How often drain() samples the queue depth and looks for bounces (the 250 ms tick
    /// always finds a sample due).
    static let sampleInterval: Duration = .milliseconds(100)

    /// Sends a DSN (RFC 3464) to the sender of every message with bounced recipients.
    /// The DSN's Message-ID derives from the queue id, so a crash between storing it and
    /// marking it queued makes the retry a dedupe hit, not a second DSN.
    func returnBounces() async {
        guard let pending = try? await store.pendingBounces(), !pending.isEmpty else { return }
        markBusy()  // the DSNs queued here go out at the next tick
        let own = settings.deliverTo == nil ? Set(settings.ownDomains.map(\.text)) : []
        for bounce in pending {
            let addresses = bounce.recipients.map(\.address)
            let sender = reversePath(bounce.envelopeFrom)
            guard case .mailbox(let mailbox) = sender else {
                // Never bounce a bounce (null sender).
                try? await store.dsnQueued(queueId: bounce.id, recipients: addresses)
                continue
            }
            let now = Date()
            let id = "dsn-\(bounce.id)@\(settings.nodeName)"
            let data = DeliveryStatusNotification.compose(
                reportingNode: settings.nodeName, sender: mailbox.description, messageID: id,
                originalHeaders: DeliveryStatusNotification.headerSection(of: [UInt8](bounce.data)),
                failures: bounce.recipients.map { .init(recipient: $0.address, diagnostic: $0.reply) },
                date: MessageHeaders.rfc5322Date(secondsSince1970: Int64(now.timeIntervalSince1970)), boundary: "mxgp-\(bounce.id)")
            let incoming = IncomingMessage(
                envelopeFrom: "<>",
                recipients: [IncomingMessage.Recipient(address: mailbox.description, local: mailbox.domain.map { own.contains($0.text) } ?? false)],
                data: Data(data), receivedFrom: settings.nodeName, hops: [settings.nodeName], receivedAt: now, messageId: "<\(id)>")
            do {
                _ = try await store.accept(incoming)
                try await store.dsnQueued(queueId: bounce.id, recipients: addresses)
                logger.notice("returned a DSN to the sender", metadata: ["queue_id": "\(bounce.id)", "sender": "\(mailbox)", "recipients": "\(addresses.count)"])
            } catch {
                logger.error("could not queue a DSN; will retry", metadata: ["queue_id": "\(bounce.id)", "error": "\(error)"])
            }
        }
    }

    /// One queued message: recipients grouped by their ranked next hops.
    func deliver(_ delivery: QueuedDelivery) async {
        var groups: [[NextHopCandidate]: [QueuedRecipient]] = [:]
        var order: [[NextHopCandidate]] = []
        for recipient in delivery.recipients {
            guard let domain = DomainName(recipient.domain) else {
                try? await store.bounced(queueId: delivery.id, recipients: [recipient.address], reply: "550 5.1.2 bad destination domain \(recipient.domain)")
                continue
            }
            switch await peering.relayTarget(for: domain) {
            case .forward(let candidates):
                if groups[candidates] == nil { order.append(candidates) }
                groups[candidates, default: []].append(recipient)
            case .local where settings.deliverTo != nil:
                let mta = [NextHopCandidate(neighbour: "local MTA", endpoint: settings.deliverTo!.description)]
                if groups[mta] == nil { order.append(mta) }
                groups[mta, default: []].append(recipient)
            case .local, .noRoute:
                await deferOrBounce(delivery, [recipient], error: "no route to \(domain)")
            }
        }
        for candidates in order {
            await forward(delivery, recipients: groups[candidates]!, candidates: candidates)
        }
    }

    /// Tries the candidates in order (degraded ones after the healthy, penalised ones last) until every recipient is delivered or bounced.
    func forward(_ delivery: QueuedDelivery, recipients: [QueuedRecipient], candidates: [NextHopCandidate]) async {
        var remaining = recipients.map(\.address)
        let bytes = [UInt8](delivery.data)
        let origin = MessageHeaders.originRegion(in: bytes).flatMap(Region.init) ?? settings.region
        let usable = RelayDecision.usable(candidates, crossed: MessageHeaders.hops(in: bytes).map(\.node), origin: origin)
        let ordered = state.withLockedValue { RelayDecision.order(usable.candidates, health: $0.health, slow: $0.slow, now: now) }
        var lastError = usable.error
        // Taken out of the queue once for the whole attempt; a crash mid-way puts them back (recover()).
        remaining = (try? await store.markDelivering(queueId: delivery.id, recipients: remaining, nextHop: ordered.first?.neighbour)) ?? remaining
        for (attempt, candidate) in ordered.enumerated() where !remaining.isEmpty {
            // Shutting down and out of drain time: the rest stays in delivery, and `recover()`
            // queues it again at the next start.
            if Task.isCancelled { return }
            guard let endpoint = HostPort(candidate.endpoint) else { continue }
            let attemptStarted = now
            let outcome = await SMTPDelivery.deliver(
                host: endpoint.host, port: Int(endpoint.port),
                configuration: SMTPClientConfiguration(heloName: SMTPHost(settings.nodeName) ?? SMTPHost("mxgp")!, tls: clientTLS == nil ? .never : .opportunistic),
                reversePath: reversePath(delivery.envelopeFrom), recipients: remaining.compactMap { SMTPMailbox($0).map(SMTPForwardPath.mailbox) },
                message: [UInt8](delivery.data), group: group,
                transactionTimeout: TimeAmount(settings.transactionTimeout),
                tls: clientTLS, sourceHost: settings.sourceHost, pool: pool)
            let sorted = RelayAttempt.sort(outcome, lastCandidate: attempt == ordered.count - 1)
            let (delivered, bounced, deferred) = (sorted.delivered, sorted.bounced, sorted.deferred)
            if let error = sorted.lastError { lastError = error }
            if !delivered.isEmpty {
                let answeredAt = Date()
                let attemptTook = now - attemptStarted
                try? await store.delivered(queueId: delivery.id, recipients: delivered, nextHop: candidate.neighbour,
                                           price: settings.owedPerMessage[candidate.neighbour] == nil ? 0 : Int(candidate.price))
                state.withLockedValue { $0.health.succeeded(candidate.neighbour) }
                noteDelivered(to: candidate.neighbour, bytes: delivery.data.count, latency: attemptTook, started: attemptStarted)
                for _ in delivered {
                    metrics?.delivery(result: "delivered")
                    metrics?.deliveryLatency(acceptedAt: delivery.receivedAt, deliveredAt: answeredAt)
                }
                if attempt > 0 { metrics?.failover() }
            } else {
                let failedAt = now
                let slowed = state.withLockedValue { state -> SlowNextHops.Change? in
                    state.health.failed(candidate.neighbour, error: lastError, now: failedAt)
                    return state.slow.failed(candidate.neighbour, took: failedAt - attemptStarted, started: attemptStarted, now: failedAt)
                }
                if case .degraded(let median) = slowed {
                    logger.notice("next hop is slow; new mail prefers an alternate", metadata: [
                        "next_hop": "\(candidate.neighbour)", "median_latency": "\(median)"])
                }
                noteFailed(candidate.neighbour, error: lastError)
                logger.notice("next hop failed; trying the next alternate", metadata: [
                    "queue_id": "\(delivery.id)", "next_hop": "\(candidate.neighbour)", "error": "\(lastError)"])
            }
            for bounce in bounced {
                try? await store.bounced(queueId: delivery.id, recipients: [bounce.address], reply: bounce.reply)
                metrics?.delivery(result: "bounced")
            }
            remaining = deferred
        }
        if !remaining.isEmpty {
            await deferOrBounce(delivery, recipients.filter { remaining.contains($0.address) }, error: lastError)
        }
    }

    /// Defers with backoff, or bounces once the message outlived its lifetime.
    func deferOrBounce(_ delivery: QueuedDelivery, _ recipients: [QueuedRecipient], error: String) async {
        let addresses = recipients.map(\.address)
        if Date().timeIntervalSince(delivery.receivedAt) > settings.lifetime {
            try? await store.bounced(queueId: delivery.id, recipients: addresses, reply: "554 5.4.7 delivery time expired: \(error)")
            for _ in addresses { metrics?.delivery(result: "bounced") }
            return
        }
        markBusy()  // the retry is due at a tick
        let attempts = (recipients.map(\.attempts).max() ?? 0) + 1
        let next = Date().addingTimeInterval(settings.retryDelay(attempts: attempts))
        try? await store.deferred(queueId: delivery.id, recipients: addresses, error: error, nextAttemptAt: next)
        for _ in addresses { metrics?.delivery(result: "deferred") }
    }
}

/// The stored envelope sender (`<a@b>` or `<>`) as a reverse path.
func reversePath(_ text: String) -> SMTPReversePath {
    let inner = text.hasPrefix("<") && text.hasSuffix(">") ? String(text.dropFirst().dropLast()) : text
    return SMTPMailbox(inner).map(SMTPReversePath.mailbox) ?? .null
}
