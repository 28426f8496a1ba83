import Foundation
import MXGPCore
import MXGPSMTP
import MXGPTopology
import NIOCore
import NIOPosix
import Testing
@testable import MXGPNode

/// A local MTA stand-in that counts the SMTP connections it accepted and can drop them all.
final class CountingSink: @unchecked Sendable {
    let desk = RecordingDesk()
    let host = LoopbackHosts.unique()
    let port: Int
    private let lock = NSLock()
    private var accepted = 0
    private var open: [Channel] = []
    private var server: Channel?
    /// Where the SMTP handlers await the desk (what `MailService.run()` provides in a node).
    private let work = ServiceWork()
    private var worker: Task<Void, Never>?

    /// Connections accepted so far.
    var connections: Int { lock.withLock { accepted } }

    init() async throws {
        port = try await freePorts(1, host: host)[0]
    }

    func start() async throws {
        let configuration = SMTPServerConfiguration(hostname: "sink", maxMessageSize: 10_000_000, tlsAvailable: false)
        let desk = self.desk
        let work = self.work
        worker = Task { await work.run(drainFor: .seconds(1)) }
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                lock.withLock {
                    accepted += 1
                    open.append(channel)
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder(maximumLineLength: 2048)))
                    try channel.pipeline.syncOperations.addHandler(SMTPServerHandler(configuration: configuration, desk: desk, tls: nil, logger: testLogger("sink"), work: work))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// Closes every connection it accepted (as a restarted MTA would), keeps listening.
    func dropConnections() async {
        let channels = lock.withLock { open }
        for channel in channels { try? await channel.close().get() }
    }

    func stop() async {
        await dropConnections()
        try? await server?.close().get()
        work.finish()
        await worker?.value
    }
}

/// Connections are pooled per next hop: messages in a row to the same hop share one.
@Suite(.serialized) struct ConnectionReuseTests {
    @Test func messagesToTheSameNextHopShareAConnection() async throws {
        let sink = try await CountingSink()
        try await sink.start()
        let lab = try await MailLab(
            try Topology.parse(yaml: MailPlaneTests.chain).topology, localClients: ["a"], deliverTo: ["b": HostPort(host: sink.host, port: UInt16(sink.port))])
        try await lab.start()
        #expect(await LoopbackNodes.poll { await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)?.nextHop == "up" })
        let count = 5
        for i in 0..<count {
            let outcome = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "n\(i)", messageID: "reuse\(i)@a.example")
            if case .delivered = outcome.data {} else { Issue.record("submission \(i) failed: \(outcome)") }
            #expect(await LoopbackNodes.poll { sink.desk.received.count == i + 1 }, "message \(i) did not reach the sink")
        }
        // Usually one. A second when the next message starts before the previous connection is
        // back in the pool, a third when a loaded machine spaces two messages past the pool's 5 s
        // idle timeout (both seen with the whole suite loading both cores): fewer than one per message.
        #expect(sink.connections < count, "\(sink.connections) connections for \(count) messages")
        let before = sink.connections
        #expect(await LoopbackNodes.poll { lab.nodes["b"]!.engine.pool.idleCounts["\(sink.host):\(sink.port)"] ?? 0 >= 1 })

        // The sink drops its connections (a restart): the next message goes over a fresh
        // one at once, without a deferral or a penalty for the next hop.
        await sink.dropConnections()
        let outcome = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "after", messageID: "reuse-after@a.example")
        if case .delivered = outcome.data {} else { Issue.record("submission failed: \(outcome)") }
        #expect(await LoopbackNodes.poll(timeout: .seconds(10)) { sink.desk.received.count == count + 1 })
        #expect(sink.connections == before + 1, "\(sink.connections) connections, \(before) before the drop")
        // b counts the delivery just after the sink's 250: wait for it, then look for deferrals.
        let counted = await LoopbackNodes.poll {
            lab.nodes["b"]!.metrics.render().contains(#"mxgp_deliveries_total{result="delivered"} \#(count + 1)"#)
        }
        let metrics = lab.nodes["b"]!.metrics.render()
        #expect(counted, "\(metrics)")
        #expect(metrics.contains(#"mxgp_deliveries_total{result="deferred"} 0"#), "\(metrics)")
        await lab.stop()
        await sink.stop()
    }
}
