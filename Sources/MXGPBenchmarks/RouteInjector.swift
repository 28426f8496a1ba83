import MXGPCore
import NIOConcurrencyHelpers
import NIOCore

/// A minimal MXGP speaker: OPEN, KEEPALIVE every second, then every domain in UPDATEs of
/// `perUpdate`, then END-OF-RIB, writing only while the channel is writable.
// reason: loop-confined handler state; only `established` and the locked `failureText` are read off the loop.
final class RouteInjector: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = MXGPMessage
    typealias OutboundIn = MXGPMessage
    typealias OutboundOut = MXGPMessage

    let open: OpenMessage
    let attributes: PathAttributes
    let names: [DomainName]
    let perUpdate: Int
    let established: EventLoopPromise<Void>
    private var context: ChannelHandlerContext?
    private var sawOpen = false
    private var isEstablished = false
    private var announcing = false
    private var next = 0
    private var endOfRIBSent = false
    private var keepalive: RepeatedTask?
    private let failureText = NIOLockedValueBox<String?>(nil)

    init(open: OpenMessage, attributes: PathAttributes, names: [DomainName], perUpdate: Int, loop: EventLoop) {
        self.open = open
        self.attributes = attributes
        self.names = names
        self.perUpdate = perUpdate
        self.established = loop.makePromise()
    }

    /// Why the session failed, if it did.
    var failure: String? { failureText.withLockedValue { $0 } }

    private func fail(_ text: String) {
        failureText.withLockedValue { if $0 == nil { $0 = text } }
        if !isEstablished { established.fail(SessionBenchmark.Failure.session(text)) }
        isEstablished = true  // the promise is completed either way
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.open(open)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .open:
            sawOpen = true
            context.writeAndFlush(wrapOutboundOut(.keepalive), promise: nil)
        case .keepalive where sawOpen && !isEstablished:
            isEstablished = true
            established.succeed()
            let channel = context.channel
            keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                channel.writeAndFlush(MXGPMessage.keepalive, promise: nil)
            }
        case .notification(let note):
            fail("the receiver sent NOTIFICATION \(note)")
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepalive?.cancel()
        if !endOfRIBSent || !isEstablished { fail("the receiver closed the connection") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail("\(error)")
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pump(context) }
        context.fireChannelWritabilityChanged()
    }

    /// Called on the channel's loop once Established.
    func startAnnouncing() {
        guard let context, !announcing else { return }
        announcing = true
        pump(context)
    }

    private func pump(_ context: ChannelHandlerContext) {
        guard announcing, !endOfRIBSent else { return }
        var written = 0
        while next < names.count && context.channel.isWritable {
            let end = min(next + perUpdate, names.count)
            let update = UpdateMessage(attributes: attributes, announced: Array(names[next..<end]))
            context.write(wrapOutboundOut(.update(update)), promise: nil)
            next = end
            written += 1
            if written % 16 == 0 { context.flush() }
        }
        if next == names.count {
            endOfRIBSent = true
            context.write(wrapOutboundOut(.endOfRIB), promise: nil)
        }
        context.flush()
    }
}
