import Foundation
import Logging
import MXGPCore
import MXGPSMTP
import MXGPStore
import NIOCore

/// The node's answer to its SMTP front end: relay control from the routing table, and
/// custody in the durable store (with this node's Received line prepended).
public struct NodeMailDesk: MailFrontDesk {
    let settings: MailSettings
    let peering: PeeringService
    let store: NodeStore
    let logger: Logger
    /// Where local mailbox deliveries record their latency; nil records nothing.
    let metrics: NodeMetrics?
    /// Called after a message was stored, so delivery starts at once.
    let stored: @Sendable () -> Void
    /// The lab's smtp-tempfail fault.
    let faults: SMTPFaultSwitch
    /// Contract rate-limit counters, per neighbour.
    let meter: ContractMeter

    /// Creates the desk; `stored` runs after every message taken into custody.
    public init(
        settings: MailSettings, peering: PeeringService, store: NodeStore, metrics: NodeMetrics? = nil, logger: Logger,
        faults: SMTPFaultSwitch = SMTPFaultSwitch(), meter: ContractMeter = ContractMeter(), stored: @escaping @Sendable () -> Void
    ) {
        self.meter = meter
        self.faults = faults
        self.settings = settings
        self.metrics = metrics
        self.peering = peering
        self.store = store
        self.logger = logger
        self.stored = stored
    }

    /// Who is talking: a neighbour (by its configured address), a local client, or a stranger.
    func source(of client: SocketAddress?) async -> (MailSource, String) {
        guard let client, let ip = client.ipAddress else { return (.stranger, "unknown") }
        let bytes = NodeMailDesk.addressBytes(client)
        if let bytes, settings.localNetworks.contains(where: { $0.contains(bytes) }) { return (.localClient, ip) }
        if let name = await peering.neighbourName(forHost: ip) { return (.neighbour(name), name) }
        return (.stranger, ip)
    }

    public func checkRecipient(_ check: SMTPRecipientCheck, client: SocketAddress?) async -> SMTPRecipientDecision {
        guard let mailbox = check.recipient.mailbox else { return .accept }  // <postmaster>
        let tempfail = faults.tempfailReply(node: settings.nodeName)
        guard let domain = mailbox.domain else { return tempfail.map(SMTPRecipientDecision.reject) ?? .relayDenied }
        if tempfail != nil { peering.noteLoad(tempfails: 1) }
        let (source, _) = await source(of: client)
        var refusal: SMTPReply?
        if tempfail == nil, case .neighbour(let name) = source { refusal = contractRefusal(neighbour: name, size: check.declaredSize, take: false) }
        let mayAccept = tempfail == nil && refusal == nil ? await peering.mayAccept(domain: domain, from: source) : false
        return MailAdmission.recipient(
            domain: domain, source: source, tempfail: tempfail,
            contractRefusal: refusal, mayAccept: mayAccept)
    }

    /// The contract refusal for one more message (of `size` bytes, when known) from neighbour
    /// `name`, or nil when the contract allows it; `take` counts it against the rate limit.
    /// Asked at RCPT (declared SIZE, without `take`) and after DATA (actual size, with `take`);
    /// every refusal is logged and counted.
    func contractRefusal(neighbour name: String, size: Int?, take: Bool) -> SMTPReply? {
        let refusal = MailAdmission.contractRefusal(neighbour: name, contract: settings.contracts[name], size: size) {
            meter.admit(name, limit: $0, take: take)
        }
        guard let refusal else { return nil }
        if refusal.reply.code / 100 == 4 { peering.noteLoad(tempfails: 1) }
        refused(name, refusal.reason, refusal.detail)
        return refusal.reply
    }

    /// Logs and counts one refusal (the sender keeps the message: it fails over or defers).
    func refused(_ neighbour: String, _ reason: String, _ text: String) {
        logger.warning("refused a message from a neighbour", metadata: ["neighbour": "\(neighbour)", "reason": "\(reason)", "detail": "\(text)"])
        metrics?.refusal(reason: reason)
    }

    public func store(envelope: SMTPEnvelope, data: [UInt8], client: SocketAddress?) async -> CustodyOutcome {
        let (source, from) = await source(of: client)
        var data = data
        switch source {
        case .neighbour(let name):
            let origin = MessageHeaders.originRegion(in: data).flatMap(Region.init)
            if let refusal = MailAdmission.regionRefusal(origin: origin, refused: settings.refuseRegions, node: settings.nodeName) {
                refused(name, refusal.reason, refusal.detail)
                return .refused(refusal.reply)
            }
            if let refusal = contractRefusal(neighbour: name, size: data.count, take: true) { return .refused(refusal) }
        case .localClient:
            if let region = settings.region { data = MessageHeaders.prependingOriginRegion(region.code, to: data) }
        case .stranger:
            break
        }
        let now = Date()
        let traceID = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let message = MessageHeaders.prependingReceived(
            to: data, helo: envelope.helo, clientAddress: client?.ipAddress ?? "unknown", node: settings.nodeName,
            operatorNumber: settings.operatorNumber, id: traceID, tls: envelope.tls,
            date: MessageHeaders.rfc5322Date(secondsSince1970: Int64(now.timeIntervalSince1970)))
        // With deliver-to, own-domain mail is queued for the local MTA rather than kept here.
        let own = settings.deliverTo == nil ? Set(settings.ownDomains.map(\.text)) : []
        let recipients = envelope.recipients.compactMap(\.mailbox).map { mailbox in
            IncomingMessage.Recipient(address: mailbox.description, local: mailbox.domain.map { own.contains($0.text) } ?? false)
        }
        let hops = MessageHeaders.hops(in: message).map(\.node)  // first relay first, this node last
        let incoming = IncomingMessage(
            envelopeFrom: envelope.reversePath.description, recipients: recipients, data: Data(message), receivedFrom: from,
            hops: Array(hops), receivedAt: now, messageId: MessageHeaders.messageID(in: data),
            ledgerPrice: source.isNeighbour ? await earnedPrice(from: from, recipients: envelope.recipients) : nil)
        do {
            let result = try await store.accept(incoming)
            switch result {
            case .duplicate(let id):
                logger.info("duplicate message taken without a second copy", metadata: ["queue_id": "\(id)", "from": "\(from)"])
            case .queued:
                // Own-domain recipients are in their mailboxes once the store committed.
                // (A partly seen message counts all its local recipients: rare, and harmless.)
                let committedAt = Date()
                for recipient in recipients where recipient.local { metrics?.deliveryLatency(acceptedAt: now, deliveredAt: committedAt) }
            }
            stored()
            peering.noteLoad(accepted: 1)
            return .stored(queueID: result.id)
        } catch {
            logger.error("could not store a message; answering 451", metadata: ["error": "\(error)"])
            peering.noteLoad(tempfails: 1)
            return .refused(.temporaryFailure)
        }
    }

    static func addressBytes(_ address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr.s_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }
}

extension NodeMailDesk {
    /// What a message from neighbour `from` earns this node: the PRICE it announced to that
    /// neighbour for the first recipient's domain (by country when the contract prices by
    /// country), else the contract's default price (0 unless the neighbour is a customer).
    func earnedPrice(from: String, recipients: [SMTPForwardPath]) async -> Int {
        let fallback = UInt32(settings.earnedPerMessage[from] ?? 0)
        let domain = recipients.compactMap(\.mailbox).first?.domain.flatMap { DomainName($0.text) }
        return Int(await peering.earnedPrice(for: domain, from: from, fallback: fallback))
    }
}
