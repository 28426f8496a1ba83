import Foundation
import Logging
import MXGPSMTP
import MXGPStore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The SMTP server of a node as a `Service`: accepts mail under relay control, hands it
/// to the front desk for custody, and on graceful shutdown stops listening; the custody work
/// of sessions in progress (relay checks, stores) runs as children of `run()` and gets
/// `shutdownDrain` to finish; later requests are answered 421.
public final class MailService: Service, Sendable {
    let settings: MailSettings
    let desk: any MailFrontDesk
    let tls: NIOSSLContext?
    let logger: Logger
    let group: EventLoopGroup
    /// The listening channel once `start()` bound it.
    private let channel = NIOLockedValueBox<Channel?>(nil)
    /// Open SMTP connections.
    private let connections = NIOLockedValueBox(0)
    /// The front-desk work of the sessions.
    private let work = ServiceWork()
    /// How long the custody work in progress may take to finish at shutdown.
    let shutdownDrain: Duration = .seconds(5)

    public init(settings: MailSettings, desk: any MailFrontDesk, tls: NIOSSLContext? = nil, logger: Logger, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.desk = desk
        self.tls = tls
        self.logger = logger
        self.group = group
    }

    /// Binds the listener (once; later calls return the bound port); returns the bound port.
    /// The sessions' custody work runs only while ``run()`` runs.
    @discardableResult
    public func start() async throws -> Int? {
        guard let listen = settings.listen else { return nil }
        if let bound = channel.withLockedValue({ $0 }) { return bound.localAddress?.port }
        let configuration = SMTPServerConfiguration(
            hostname: settings.nodeName, maxMessageSize: settings.maximumMessageSize, tlsAvailable: tls != nil)
        let (desk, tls, logger, limit, connections, work) = (self.desk, self.tls, self.logger, settings.maximumConnections, self.connections, self.work)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if connections.withLockedValue({ $0 += 1; return $0 }) > limit {
                        connections.withLockedValue { $0 -= 1 }
                        let reply = SMTPReply.tooManyConnections(hostname: configuration.hostname)
                        channel.writeAndFlush(channel.allocator.buffer(bytes: reply.rendered)).whenComplete { _ in channel.close(promise: nil) }
                        return
                    }
                    channel.closeFuture.whenComplete { _ in connections.withLockedValue { $0 -= 1 } }
                    try sync.addHandler(ByteToMessageHandler(SMTPLineDecoder(maximumLineLength: configuration.maxDataLineLength)))
                    try sync.addHandler(SMTPServerHandler(configuration: configuration, desk: desk, tls: tls, logger: logger, work: work))
                }
            }
            .bind(host: listen.host, port: Int(listen.port))
            .get()
        self.channel.withLockedValue { $0 = channel }
        logger.info("listening for SMTP", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "\(listen)")"])
        return channel.localAddress?.port
    }

    /// Stops listening (a later ``start()`` listens again).
    public func stop() async {
        let listener = channel.withLockedValue { channel in
            defer { channel = nil }
            return channel
        }
        try? await listener?.close().get()
    }

    /// Listens (``start()``, unless already started) and runs the sessions' custody work until
    /// graceful shutdown; then stops listening and drains that work (bounded).
    public func run() async throws {
        try await start()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.work.run(drainFor: self.shutdownDrain) }
            try? await gracefulShutdown()
            await stop()
            work.finish()
        }
    }
}
