import Foundation
import Logging
import MXGPSMTP
import MXGPStore
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The SMTP server of a node as a `Service`: accepts mail under relay control, hands it
/// to the front desk for custody, and on graceful shutdown stops listening (sessions in
/// progress finish or get 421).
public final class MailService: Service, @unchecked Sendable {
    let settings: MailSettings
    let desk: any MailFrontDesk
    let tls: NIOSSLContext?
    let logger: Logger
    let group: EventLoopGroup
    private var channel: Channel?
    private let connections = ConnectionCounter()

    public init(settings: MailSettings, desk: any MailFrontDesk, tls: NIOSSLContext? = nil, logger: Logger, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.desk = desk
        self.tls = tls
        self.logger = logger
        self.group = group
    }

    /// Binds the listener; returns the bound port.
    @discardableResult
    public func start() async throws -> Int? {
        guard let listen = settings.listen else { return nil }
        let configuration = SMTPServerConfiguration(
            hostname: settings.nodeName, maxMessageSize: settings.maximumMessageSize, tlsAvailable: tls != nil)
        let (desk, tls, logger, limit, connections) = (self.desk, self.tls, self.logger, settings.maximumConnections, self.connections)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if connections.increment() > limit {
                        connections.decrement()
                        let reply = SMTPReply.tooManyConnections(hostname: configuration.hostname)
                        channel.writeAndFlush(channel.allocator.buffer(bytes: reply.rendered)).whenComplete { _ in channel.close(promise: nil) }
                        return
                    }
                    channel.closeFuture.whenComplete { _ in connections.decrement() }
                    try sync.addHandler(ByteToMessageHandler(SMTPLineDecoder(maximumLineLength: configuration.maxDataLineLength)))
                    try sync.addHandler(SMTPServerHandler(configuration: configuration, desk: desk, tls: tls, logger: logger))
                }
            }
            .bind(host: listen.host, port: Int(listen.port))
            .get()
        self.channel = channel
        logger.info("listening for SMTP", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "\(listen)")"])
        return channel.localAddress?.port
    }

    /// Stops listening.
    public func stop() async {
        try? await channel?.close().get()
    }

    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }
}

/// Open SMTP connections, behind a lock.
final class ConnectionCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int { lock.withLock { value += 1; return value } }
    func decrement() { lock.withLock { value -= 1 } }
}
