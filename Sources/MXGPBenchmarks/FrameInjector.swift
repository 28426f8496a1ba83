import MXGPCore
import NIOConcurrencyHelpers
import NIOCore

/// A minimal MXGP speaker that sends pre-encoded UPDATE frames: OPEN, KEEPALIVE every
/// second, then `frames` (whole framed messages, encoded before any clock started) as raw
/// bytes, then END-OF-RIB, writing only while the channel is writable.
///
/// Used by `mxgp bench inject`, where encoding in the sender must not slow the receiver down.
// reason: loop-confined handler state; only `established`, `sent` and the locked `failureText` are read off the loop.
final class FrameInjector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = MXGPMessage
    typealias OutboundOut = ByteBuffer

    let open: OpenMessage
    let frames: [ByteBuffer]
    let established: EventLoopPromise<Void>
    /// Succeeded once END-OF-RIB has been written.
    let sent: EventLoopPromise<Void>
    private var context: ChannelHandlerContext?
    private var sawOpen = false
    private var isEstablished = false
    private var announcing = false
    private var next = 0
    private var endOfRIBSent = false
    private var keepalive: RepeatedTask?
    private let failureText = NIOLockedValueBox<String?>(nil)

    init(open: OpenMessage, frames: [ByteBuffer], loop: EventLoop) {
        self.open = open
        self.frames = frames
        self.established = loop.makePromise()
        self.sent = loop.makePromise()
    }

    /// Why the session failed, if it did.
    var failure: String? { failureText.withLockedValue { $0 } }

    private func fail(_ text: String) {
        failureText.withLockedValue { if $0 == nil { $0 = text } }
        if !isEstablished { established.fail(PeersInjector.Failure.session(text)) }
        if !endOfRIBSent { sent.fail(PeersInjector.Failure.session(text)) }
        isEstablished = true
        endOfRIBSent = true
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(MXGPMessage.open(open).encoded(allocator: context.channel.allocator)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .open:
            sawOpen = true
            context.writeAndFlush(wrapOutboundOut(MXGPMessage.keepalive.encoded(allocator: context.channel.allocator)), promise: nil)
        case .keepalive where sawOpen && !isEstablished:
            isEstablished = true
            established.succeed()
            let channel = context.channel
            let keepaliveFrame = MXGPMessage.keepalive.encoded(allocator: context.channel.allocator)
            keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                channel.writeAndFlush(keepaliveFrame, promise: nil)
            }
            announcing = true
            pump(context)
        case .notification(let note):
            fail("the receiver sent NOTIFICATION \(note)")
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepalive?.cancel()
        fail("the receiver closed the connection")
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

    private func pump(_ context: ChannelHandlerContext) {
        guard announcing, !endOfRIBSent else { return }
        while next < frames.count && context.channel.isWritable {
            context.write(wrapOutboundOut(frames[next]), promise: nil)
            next += 1
            if next % 8 == 0 { context.flush() }
        }
        if next == frames.count {
            endOfRIBSent = true
            context.write(wrapOutboundOut(MXGPMessage.endOfRIB.encoded(allocator: context.channel.allocator)), promise: nil)
            sent.succeed()
        }
        context.flush()
    }
}
