import Logging
import MXGPSMTP
import NIOCore
import NIOSSL
import NIOTLS

/// What the SMTP front end asks of the node: relay control for each recipient, and durable
/// custody of each message (the 250 after DATA goes out only once `store` returned).
public protocol MailFrontDesk: Sendable {
    /// Whether `check.recipient` may be accepted from this client (DESIGN §3 relay control).
    func checkRecipient(_ check: SMTPRecipientCheck, client: SocketAddress?) async -> SMTPRecipientDecision
    /// Stores the message durably; returns the queue id, or the reply to give on failure.
    func store(envelope: SMTPEnvelope, data: [UInt8], client: SocketAddress?) async -> CustodyOutcome
}

/// The answer to a message handed over for custody.
public enum CustodyOutcome: Sendable, Hashable {
    /// Durable (or already held: a duplicate); answer 250 with this queue id.
    case stored(queueID: String)
    /// Not taken; answer with this reply.
    case refused(SMTPReply)
}

/// Drives one `SMTPServerSession` over a connection: lines in, replies out; decisions are
/// asked of the front desk and their answers fed back on the channel's event loop.
final class SMTPServerHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPLine
    typealias OutboundOut = ByteBuffer

    private var session: SMTPServerSession
    private let desk: any MailFrontDesk
    private let tls: NIOSSLContext?
    private let logger: Logger
    private var context: ChannelHandlerContext?

    /// The service's work group, where the front desk's answers are awaited.
    private let work: ServiceWork
    /// 421, for requests that come after the service stopped taking work.
    private let shuttingDown: SMTPReply

    init(configuration: SMTPServerConfiguration, desk: any MailFrontDesk, tls: NIOSSLContext?, logger: Logger, work: ServiceWork) {
        self.session = SMTPServerSession(configuration: configuration)
        self.desk = desk
        self.tls = tls
        self.logger = logger
        self.work = work
        self.shuttingDown = SMTPReply.shuttingDown(hostname: configuration.hostname)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        apply(session.connected())
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let bytes): apply(session.lineReceived(bytes))
        case .tooLong: apply(session.lineTooLong())
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        apply(session.closed())
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { apply(session.tlsEstablished()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("SMTP connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Carries out what the session asked for.
    private func apply(_ actions: [SMTPServerAction]) {
        guard let context else { return }
        for action in actions {
            switch action {
            case .send(let reply):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply.rendered)), promise: nil)
            case .close:
                context.channel.close(promise: nil)
            case .startTLS:
                guard let tls else { continue }
                try? context.channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            case .checkRecipient(let check):
                let (desk, loop, client) = (self.desk, context.eventLoop, context.channel.remoteAddress)
                let handler = NIOLoopBound(self, eventLoop: loop)
                let answer = { @Sendable (decision: SMTPRecipientDecision) in
                    loop.execute { handler.value.apply(handler.value.session.recipientDecision(check.id, decision)) }
                }
                let shuttingDown = self.shuttingDown
                if !work.submit({ answer(await desk.checkRecipient(check, client: client)) }) { answer(.reject(shuttingDown)) }
            case .deliver(let envelope, let data, let id):
                let (desk, loop, client) = (self.desk, context.eventLoop, context.channel.remoteAddress)
                let handler = NIOLoopBound(self, eventLoop: loop)
                let answer = { @Sendable (result: CustodyOutcome) in
                    loop.execute {
                        let handler = handler.value
                        switch result {
                        case .stored(let queueID): handler.apply(handler.session.messageStored(id, queueID: queueID))
                        case .refused(let reply): handler.apply(handler.session.storeFailed(id, reply: reply))
                        }
                    }
                }
                let shuttingDown = self.shuttingDown
                if !work.submit({ answer(await desk.store(envelope: envelope, data: data, client: client)) }) { answer(.refused(shuttingDown)) }
            }
        }
    }
}
