import Logging
import MXGPSMTP
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One outbound SMTP transaction: over an idle connection from `pool` to the same next hop
/// if there is one (it starts with RSET), else over a fresh connection; it runs an
/// `SMTPClientSession` and reports its outcome. Connect failures and timeouts become a
/// deferral, so the caller moves to the next ranked next hop at once. A kept connection
/// that went stale costs nothing: the message goes over a fresh one.
public enum SMTPDelivery {
    /// Delivers `message` to `host:port`; never throws: failures are outcomes. With a
    /// `pool`, the connection goes back to it after a delivered message.
    public static func deliver(
        host: String, port: Int, configuration: SMTPClientConfiguration, reversePath: SMTPReversePath,
        recipients: [SMTPForwardPath], message: [UInt8], group: EventLoopGroup,
        connectTimeout: TimeAmount = .seconds(3), transactionTimeout: TimeAmount = .seconds(60), tls: NIOSSLContext? = nil,
        sourceHost: String? = nil, pool: SMTPConnectionPool? = nil
    ) async -> SMTPClientOutcome {
        let nextHop = "\(host):\(port)"
        while let pool, let kept = pool.checkout(nextHop) {
            let session = SMTPClientSession(continuing: kept.connection, reversePath: reversePath, recipients: recipients, message: message)
            let result = await kept.run(session, timeout: transactionTimeout)
            if result.failedToResume { continue }  // stale: the message was never offered
            if let connection = result.connection {
                kept.connection = connection
                pool.checkin(kept, nextHop: nextHop)
            }
            return result.outcome
        }
        let session = SMTPClientSession(
            configuration: configuration, reversePath: reversePath, recipients: recipients, message: message, keepOpen: pool != nil)
        let promise = group.next().makePromise(of: SMTPTransactionResult.self)
        let handler = SMTPClientHandler(session: session, outcome: promise, tls: tls, serverName: host)
        var bootstrap = ClientBootstrap(group: group).connectTimeout(connectTimeout)
        if let sourceHost, let source = try? SocketAddress(ipAddress: sourceHost, port: 0) { bootstrap = bootstrap.bind(to: source) }
        let connection = bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder(maximumLineLength: 2048)))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port)
        do {
            let channel = try await connection.get()
            let timeout = channel.eventLoop.scheduleTask(in: transactionTimeout) { handler.timedOut() }
            defer { timeout.cancel() }
            let result = try await promise.futureResult.get()
            if let pool, let kept = result.connection {
                pool.checkin(KeptSMTPConnection(channel: channel, handler: handler, connection: kept), nextHop: nextHop)
            }
            return result.outcome
        } catch {
            promise.succeed(SMTPTransactionResult(outcome: failure("connect to \(host):\(port) failed: \(error)", recipients: recipients)))
            return (try? await promise.futureResult.get())?.outcome ?? failure("\(error)", recipients: recipients)
        }
    }

    /// Every recipient deferred for `reason` (nothing was delivered).
    static func failure(_ reason: String, recipients: [SMTPForwardPath]) -> SMTPClientOutcome {
        SMTPClientOutcome(
            recipients: recipients.map { SMTPRecipientResult(recipient: $0, rcptReply: nil, status: .deferred(.reason(reason))) },
            data: .deferred(.reason(reason)), tls: false)
    }
}

/// How one transaction ended: its outcome, and the connection if it was kept open.
struct SMTPTransactionResult: Sendable {
    var outcome: SMTPClientOutcome
    /// Set when the session kept the connection open (a delivered message, `keepOpen`).
    var connection: SMTPClientConnection?
    /// The kept connection was stale: the message was never offered.
    var failedToResume = false
}

/// Drives an `SMTPClientSession` over a connection.
// reason: a pipeline handler; the pool and deliveries reach it only through its channel's loop.
final class SMTPClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = SMTPLine
    typealias OutboundOut = ByteBuffer

    private var session: SMTPClientSession
    private var outcome: EventLoopPromise<SMTPTransactionResult>
    private let tls: NIOSSLContext?
    private let serverName: String
    private var parser = SMTPReplyParser()
    private var context: ChannelHandlerContext?
    private var reported = false

    init(session: SMTPClientSession, outcome: EventLoopPromise<SMTPTransactionResult>, tls: NIOSSLContext?, serverName: String) {
        self.session = session
        self.outcome = outcome
        self.tls = tls
        self.serverName = serverName
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        apply(session.connected())
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let bytes):
            switch parser.consume(line: bytes) {
            case .success(let reply?): apply(session.replyReceived(reply))
            case .success(nil): break
            case .failure(let error):
                parser = SMTPReplyParser()
                apply(session.malformedReply(error))
            }
        case .tooLong:
            apply(session.malformedReply(.lineTooLong))
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
        context.close(promise: nil)
    }

    /// The transaction took too long.
    func timedOut() {
        context?.eventLoop.execute { self.apply(self.session.timeout()) }
    }

    /// Starts the next transaction on this kept connection (on the channel's event loop).
    func resume(_ next: SMTPClientSession, outcome promise: EventLoopPromise<SMTPTransactionResult>) {
        guard let context else {
            promise.succeed(SMTPTransactionResult(outcome: SMTPDelivery.failure("connection gone", recipients: next.recipients), failedToResume: true))
            return
        }
        context.eventLoop.execute {
            self.session = next
            self.outcome = promise
            self.reported = false
            self.apply(context.channel.isActive ? self.session.resume() : self.session.closed())
        }
    }

    /// Ends a kept connection: QUIT, and a close if the server does not answer within a second.
    func quit() {
        guard let context else { return }
        context.eventLoop.execute {
            self.apply(self.session.quit())
            context.eventLoop.scheduleTask(in: .seconds(1)) { context.close(promise: nil) }
        }
    }

    private func apply(_ actions: [SMTPClientAction]) {
        guard let context else { return }
        for action in actions {
            switch action {
            case .send(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .startTLS:
                if let tls, let handler = try? NIOSSLClientHandler(context: tls, serverHostname: nil) {
                    try? context.channel.pipeline.syncOperations.addHandler(handler, position: .first)
                } else {
                    context.close(promise: nil)
                }
            case .close:
                context.close(promise: nil)
            case .finished(let result):
                if !reported {
                    reported = true
                    outcome.succeed(SMTPTransactionResult(
                        outcome: result, connection: session.reusableConnection, failedToResume: session.failedToResume))
                }
            }
        }
    }
}
