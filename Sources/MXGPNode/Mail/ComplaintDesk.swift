import Foundation
import Logging
import MXGPCore
import MXGPSMTP
import MXGPStore
import ServiceLifecycle

/// Spam complaints (DESIGN §4, PROTOCOL.md §12): filed at the receiving node against a message
/// in one of its mailboxes, then carried back along the message's recorded path as REPORTs.
/// Each hop books the chargeback it owes the neighbour that sent the REPORT (payable, that
/// link's contract) and the chargeback of its contract against the neighbour it got the message
/// from (receivable, the operator before it in the path), and passes the REPORT on to that
/// neighbour; the first relay (the origin colo) books what it owes and stops it. After booking
/// a payable chargeback the node learns its expected complaint rate again (PROTOCOL.md §9.3).
///
/// As a `Service` it listens for REPORTs from the peering until graceful shutdown.
public struct ComplaintDesk: Service {
    let settings: MailSettings
    let peering: PeeringService
    let store: NodeStore
    let metrics: NodeMetrics?
    let logger: Logger
    /// The REPORTs being handled, children of `run()`.
    private let work = ServiceWork()

    public init(settings: MailSettings, peering: PeeringService, store: NodeStore, metrics: NodeMetrics?, logger: Logger) {
        self.settings = settings
        self.peering = peering
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// What happened to a complaint at this node.
    public struct Outcome: Sendable, Hashable, Codable {
        /// The Message-ID, without angle brackets.
        public var messageId: String
        /// The operators the message crossed, first relay first, the receiver last.
        public var path: [OperatorNumber]
        /// The neighbour charged here, if any.
        public var bookedAgainst: String?
        /// The chargeback booked against it.
        public var amount: Int
        /// The neighbour this node owes a chargeback to for the complaint (the one that sent the REPORT).
        public var payableTo: String? = nil
        /// The chargeback owed to it.
        public var payableAmount: Int = 0
        /// The neighbour the REPORT went on to, if any.
        public var forwardedTo: String?
        /// Why the complaint stopped here, if it did.
        public var stopped: String?
    }

    /// Why a complaint could not be filed.
    public struct FilingError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Handles REPORTs from the peering, each as a child task of this service, until graceful
    /// shutdown; then REPORTs in progress get a few seconds to finish.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.work.run(drainFor: .seconds(5)) }
            // The rate only weighs chargebacks: without a contract that has one, nothing to learn.
            if settings.contracts.values.contains(where: { $0.chargeback > 0 }) {
                group.addTask { await self.learnComplaintRate() }
            }
            await peering.onReport { report, neighbour in
                self.work.submit { _ = await self.handle(report, from: neighbour) }
            }
            try? await gracefulShutdown()
            work.finish()
        }
    }

    /// Files a complaint about the message with `messageID` in one of this node's mailboxes:
    /// reads its path from the Received lines mxgp wrote, then handles it like a REPORT.
    public func file(messageID: String, reason: String = "spam") async throws -> Outcome {
        let bare = NodeStore.messageIDForms(messageID)[0]
        guard !bare.isEmpty, bare.utf8.count <= 998 else {
            throw FilingError(description: "a Message-ID must have 1 to 998 bytes")
        }
        guard let data = try await store.mailboxData(messageID: bare) else {
            throw FilingError(description: "no mailbox of \(settings.nodeName) holds a message with Message-ID <\(bare)>: complain at the node that delivered it (see mxgp ctl mailbox ADDRESS)")
        }
        // The newest 255 hops at most (a REPORT carries no more): forged Received lines a sender
        // put below the real ones can only lengthen the origin end, which stops at the first relay.
        let path = Array(MessageHeaders.hops(in: [UInt8](data)).map(\.operatorNumber).suffix(255))
        guard path.last == settings.operatorNumber else {
            throw FilingError(description: "the message's Received lines do not end at \(settings.nodeName) (operator \(settings.operatorNumber)); it cannot be traced back")
        }
        metrics?.complaint("filed")
        logger.notice("spam complaint filed", metadata: ["message_id": "\(bare)", "path": "\(path.map(String.init).joined(separator: " "))"])
        let report = ReportMessage(messageID: bare, reporter: settings.operatorNumber, path: path, reason: String(reason.prefix(1024)))
        return await handle(report, from: nil)
    }

    /// A REPORT from neighbour `from` (nil: filed here): books the chargeback against the
    /// neighbour before this node in the path and forwards the REPORT to it.
    public func handle(_ report: ReportMessage, from neighbour: String?) async -> Outcome {
        var outcome = Outcome(messageId: report.messageID, path: report.path, bookedAgainst: nil, amount: 0, forwardedTo: nil, stopped: nil)
        func stop(_ why: String, dropped: Bool = true) -> Outcome {
            outcome.stopped = why
            if dropped { metrics?.complaint("dropped") }
            logger.log(level: dropped ? .warning : .notice, "spam complaint stops here", metadata: [
                "message_id": "\(report.messageID)", "from": "\(neighbour ?? "local")", "reason": "\(why)"])
            return outcome
        }
        if neighbour != nil { metrics?.complaint("received") }
        let carried = neighbour == nil ? true : (try? await store.carried(messageID: report.messageID)) == true
        let step = ComplaintRouting.step(
            report, local: settings.operatorNumber, from: neighbour, carried: carried, neighbourByOperator: settings.neighbourByOperator)
        var previous: String?
        var originStop: String?
        switch step {
        case .stop(let why, let dropped):
            if dropped { return stop(why) }
            originStop = why
        case .book(let neighbour): previous = neighbour
        }
        let payable = ComplaintRouting.payable(step, from: neighbour)
        let receivable = previous.map { ChargebackBooking(neighbour: $0, amount: settings.contracts[$0]?.chargeback ?? 0) }
        let owed = payable.map { ChargebackBooking(neighbour: $0, amount: settings.contracts[$0]?.chargeback ?? 0) }
        if receivable != nil || owed != nil {
            do {
                guard try await store.recordComplaint(messageID: report.messageID, receivable: receivable, payable: owed) else {
                    return stop("the complaint about <\(report.messageID)> was already booked")
                }
            } catch {
                return stop("booking the chargeback failed: \(error)")
            }
        }
        if let owed {
            outcome.payableTo = owed.neighbour
            outcome.payableAmount = owed.amount
            logger.notice("chargeback owed for a spam complaint about mail this node handed over", metadata: [
                "message_id": "\(report.messageID)", "neighbour": "\(owed.neighbour)", "amount": "\(owed.amount)"])
            await updateComplaintRate()
        }
        guard let previous, let receivable else { return stop(originStop ?? "the complaint ends here", dropped: false) }
        outcome.bookedAgainst = previous
        outcome.amount = receivable.amount
        metrics?.chargeback(receivable.amount)
        logger.notice("chargeback booked for a spam complaint", metadata: [
            "message_id": "\(report.messageID)", "neighbour": "\(previous)", "amount": "\(receivable.amount)"])
        if await peering.sendReport(report, to: previous) {
            outcome.forwardedTo = previous
            metrics?.complaint("forwarded")
        } else {
            return stop("the session with \(previous) is not established; the REPORT was not passed on")
        }
        return outcome
    }

    /// Learns the expected complaint rate from the ledger every few seconds (the number of
    /// messages sent grows between complaints), until cancelled.
    func learnComplaintRate() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .seconds(5))
            await updateComplaintRate()
        }
    }

    /// The expected complaint rate from the ledger (complaints about mail this node handed
    /// over, against the messages it handed over), given to the routing engine.
    func updateComplaintRate() async {
        guard let ledger = try? await store.ledger() else { return }
        let complaints = ledger.reduce(0) { $0 + $1.complaintsPayable }
        let sent = ledger.reduce(0) { $0 + $1.messagesOut }
        await peering.setComplaintRate(settings.complaintRate.ratePPM(complaints: complaints, sent: sent))
    }
}
