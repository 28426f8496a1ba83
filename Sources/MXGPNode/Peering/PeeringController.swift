import Logging
import MXGPCore
import NIOCore
import NIOPosix
import NIOSSL

/// Drives the session state machines and the routing engine of one node over real
/// connections. Confined to one event loop: every MXGP channel of the node lives on
/// it, so handlers call in directly and no lock is needed.
// reason: confined to `loop` (handlers, timers and flatSubmit call it there), so it needs no lock.
final class PeeringController: @unchecked Sendable {
    /// One neighbour's live state.
    struct Peer {
        var config: PeeringNeighbour
        var session: SessionStateMachine
        var channels: [ConnectionID: Channel] = [:]
        var lastWrite: [ConnectionID: EventLoopFuture<Void>] = [:]
        var timers: [SessionTimer: Scheduled<Void>] = [:]
        var establishedAt: NIODeadline?
        var lastError: String?
        /// Why the session last went down (kept across failed reconnects).
        var lastDown: String?
        var messagesIn = 0
        var messagesOut = 0
        var updatesIn = 0
        var updatesOut = 0
        var removed = false
    }

    let loop: EventLoop
    var settings: PeeringSettings
    var engine: RoutingEngine
    var peers: [Peer] = []
    var logger: Logger
    let epoch = NIODeadline.now()
    var inboundNumber: UInt64 = 0
    var flushScheduled = false
    var listener: Channel?
    var serverTLS: NIOSSLContext?
    var clientTLS: NIOSSLContext?
    var stopping = false
    /// Called for every message in (`true`) and out (`false`), for metrics.
    var messageObservers: [@Sendable (_ inbound: Bool, _ message: MXGPMessage) -> Void] = []
    /// Called when a neighbour goes over its max-domains, with the action taken (for metrics).
    var domainLimitObserver: (@Sendable (DomainLimitAction) -> Void)?
    /// Called for every REPORT received, with the name of the neighbour that sent it.
    var reportHandler: (@Sendable (_ report: ReportMessage, _ neighbour: String) -> Void)?
    /// The node's own load against `settings.overload`; nil when the node never drains.
    var overload: OverloadMonitor?

    /// Tells every observer about a message in (`inbound`) or out.
    func observeMessage(_ inbound: Bool, _ message: MXGPMessage) {
        for observer in messageObservers { observer(inbound, message) }
    }

    init(settings: PeeringSettings, loop: EventLoop, logger: Logger) throws {
        self.loop = loop
        self.settings = settings
        self.logger = logger
        self.engine = RoutingEngine(local: settings.local, neighbours: settings.neighbours.map(\.routing))
        engine.originValidator = settings.originValidator
        overload = settings.overload.map(OverloadMonitor.init(settings:))
        self.peers = settings.neighbours.enumerated().map { i, n in
            Peer(config: n, session: SessionStateMachine(configuration: n.session, jitterSeed: UInt64(settings.local.operatorNumber) &* 31 &+ UInt64(i)))
        }
        if let tls = settings.tls {
            serverTLS = try NIOSSLContext(configuration: tls.configuration(server: true))
            clientTLS = try NIOSSLContext(configuration: tls.configuration(server: false))
        }
    }

    /// Time since the controller started, the clock the state machines use.
    var now: Duration { .nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds &- epoch.uptimeNanoseconds)) }

    // MARK: Lifecycle

    /// Binds the listener (if any) and starts every session.
    func start(group: EventLoopGroup) -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        let started: EventLoopFuture<Void>
        if let listen = settings.listen {
            // Server and child channels all on the controller's loop: the controller is confined to it.
            started = ServerBootstrap(group: loop)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture { try self.configurePipeline(channel, server: true, handler: MXGPConnectionHandler(controller: self)) }
                }
                .bind(host: listen.host, port: Int(listen.port))
                .map { [self] channel in
                    listener = channel
                    logger.info("listening for MXGP sessions", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "\(listen)")"])
                }
        } else {
            started = loop.makeSucceededVoidFuture()
        }
        return started.map { [self] in
            for i in peers.indices { apply(peers[i].session.start(now: now), peer: i) }
        }
    }

    /// The port the listener is bound to (useful with port 0).
    var boundPort: Int? { listener?.localAddress?.port }

    /// Sends cease to every neighbour, closes the listener, and completes when every connection closed.
    func shutdown(reason: String) -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        stopping = true
        let closing = listener?.close() ?? loop.makeSucceededVoidFuture()
        var futures: [EventLoopFuture<Void>] = [closing.recover { _ in }]
        for i in peers.indices where !peers[i].removed {
            let channels = Array(peers[i].channels.values)
            apply(peers[i].session.stop(reason: reason, now: now), peer: i)
            futures += channels.map { $0.closeFuture }
        }
        return EventLoopFuture.andAllComplete(futures, on: loop).flatMap { [self] in
            for i in peers.indices { for timer in peers[i].timers.values { timer.cancel() } }
            return loop.makeSucceededVoidFuture()
        }
    }

    func configurePipeline(_ channel: Channel, server: Bool, handler: MXGPConnectionHandler) throws {
        let sync = channel.pipeline.syncOperations
        if let context = server ? serverTLS : clientTLS {
            let tls = server ? NIOSSLServerHandler(context: context) : try NIOSSLClientHandler(context: context, serverHostname: nil)
            try sync.addHandler(tls)
        }
        try sync.addHandler(ByteToMessageHandler(MXGPMessageDecoder(maximumMessageSize: settings.local.maximumMessageSize)))
        try sync.addHandler(MessageToByteHandler(MXGPMessageEncoder()))
        try sync.addHandler(handler)
    }

    // MARK: Outbound connections

    func connect(peer i: Int, id: ConnectionID) {
        guard let address = peers[i].config.address, !stopping else {
            apply(peers[i].session.connectFailed(id, reason: "no address configured for neighbour \(peers[i].config.name)", now: now), peer: i)
            return
        }
        let handler = MXGPConnectionHandler(controller: self, peer: i, id: id)
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.configurePipeline(channel, server: false, handler: handler) }
            }
            .connect(host: address.host, port: Int(address.port))
            .whenComplete { [self] result in
                guard !peers[i].removed else {
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    peers[i].channels[id] = channel
                    apply(peers[i].session.transportConnected(id, now: now), peer: i)
                case .failure(let error):
                    peers[i].lastError = "connect to \(address) failed: \(error)"
                    note(i, "connect to \(address) failed: \(error)", level: .debug)
                    apply(peers[i].session.connectFailed(id, reason: "\(error)", now: now), peer: i)
                }
            }
    }

    // MARK: Events from connections

    /// A message arrived on a connection.
    func received(_ message: MXGPMessage, handler: MXGPConnectionHandler, channel: Channel) {
        guard let i = handler.peer, let id = handler.id else {
            inboundFirstMessage(message, handler: handler, channel: channel)
            return
        }
        guard peers[i].channels[id] != nil else { return }
        peers[i].messagesIn += 1
        if case .update = message { peers[i].updatesIn += 1 }
        observeMessage(true, message)
        if case .open(let open) = message, let refusal = certificateRefusal(open: open, channel: channel) {
            refuse(channel, refusal, peerName: peers[i].config.name)
            apply(peers[i].session.transportClosed(id, now: now), peer: i)
            return
        }
        apply(peers[i].session.messageReceived(message, on: id, now: now), peer: i)
    }

    /// The first message on an inbound connection decides which neighbour it belongs to.
    func inboundFirstMessage(_ message: MXGPMessage, handler: MXGPConnectionHandler, channel: Channel) {
        guard case .open(let open) = message else {
            refuse(channel, NotificationMessage(code: .finiteStateMachineError, text: "expected OPEN as the first message"), peerName: "\(channel.remoteAddress.map { "\($0)" } ?? "?")")
            return
        }
        guard let i = peers.firstIndex(where: { !$0.removed && $0.config.routing.operatorNumber == open.operatorNumber }) else {
            refuse(channel, NotificationMessage(
                code: .openMessageError, subcode: OpenErrorSubcode.badOperator.rawValue,
                text: "operator \(open.operatorNumber) (\(open.nodeName)) is not a configured neighbour of \(settings.local.name)"),
                peerName: open.nodeName)
            return
        }
        if let refusal = certificateRefusal(open: open, channel: channel) {
            refuse(channel, refusal, peerName: peers[i].config.name)
            return
        }
        inboundNumber += 1
        let id = ConnectionID.inbound(inboundNumber)
        handler.peer = i
        handler.id = id
        peers[i].channels[id] = channel
        peers[i].messagesIn += 1
        observeMessage(true, message)
        apply(peers[i].session.transportConnected(id, now: now), peer: i)
        apply(peers[i].session.messageReceived(message, on: id, now: now), peer: i)
    }

    /// With TLS, the peer certificate must name the operator its OPEN claims.
    func certificateRefusal(open: OpenMessage, channel: Channel) -> NotificationMessage? {
        guard settings.tls != nil else { return nil }
        let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self)
        guard let der = try? handler?.peerCertificate?.toDERBytes() else {
            return NotificationMessage(code: .openMessageError, subcode: OpenErrorSubcode.badCertificate.rawValue, text: "no peer certificate presented")
        }
        let named = CertificateOperator.operatorNumber(fromDER: der)
        guard named == open.operatorNumber else {
            return NotificationMessage(
                code: .openMessageError, subcode: OpenErrorSubcode.badCertificate.rawValue,
                text: "certificate names operator \(named.map(String.init) ?? "none") but OPEN claims operator \(open.operatorNumber)")
        }
        return nil
    }

    /// Sends a NOTIFICATION on a connection that is not (or no longer) part of a session, then closes it.
    func refuse(_ channel: Channel, _ notification: NotificationMessage, peerName: String) {
        logger.error("refused session", metadata: ["peer": "\(peerName)", "reason": "\(notification)"])
        observeMessage(false, .notification(notification))
        channel.writeAndFlush(MXGPMessage.notification(notification)).whenComplete { _ in channel.close(promise: nil) }
    }

    func failed(_ error: Error, handler: MXGPConnectionHandler, channel: Channel) {
        guard let i = handler.peer, let id = handler.id else {
            if let wire = error as? MXGPWireError {
                refuse(channel, wire.notification, peerName: "\(channel.remoteAddress.map { "\($0)" } ?? "?")")
            } else {
                logger.warning("inbound connection failed", metadata: ["error": "\(error)"])
                channel.close(promise: nil)
            }
            return
        }
        if let wire = error as? MXGPWireError {
            note(i, "bad message: \(wire)", level: .warning)
            apply(peers[i].session.decodeError(wire, on: id, now: now), peer: i)
        } else {
            note(i, "connection error: \(error)", level: .warning)
            channel.close(promise: nil)
        }
    }

    func closed(handler: MXGPConnectionHandler) {
        guard let i = handler.peer, let id = handler.id, peers[i].channels.removeValue(forKey: id) != nil else { return }
        peers[i].lastWrite[id] = nil
        apply(peers[i].session.transportClosed(id, now: now), peer: i)
    }

    func note(_ i: Int, _ text: String, level: Logger.Level = .info) {
        logger.log(level: level, "\(text)", metadata: ["peer": "\(peers[i].config.name)", "peer_operator": "\(peers[i].config.routing.operatorNumber)"])
    }
}

/// The last handler of an MXGP connection: forwards messages, errors and closes to the controller.
// reason: a pipeline handler on the controller's loop; the closures that capture it run there.
final class MXGPConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = MXGPMessage

    let controller: PeeringController
    /// Neighbour index and connection id; nil on an inbound connection until its OPEN arrived.
    var peer: Int?
    var id: ConnectionID?

    init(controller: PeeringController, peer: Int? = nil, id: ConnectionID? = nil) {
        self.controller = controller
        self.peer = peer
        self.id = id
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        controller.received(unwrapInboundIn(data), handler: self, channel: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        controller.failed(error, handler: self, channel: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        controller.closed(handler: self)
        context.fireChannelInactive()
    }
}
