import Foundation
import MXGPCore
import MXGPSim
import MXGPTopology
import NIOCore
import NIOPosix
import Testing
@testable import MXGPNode

/// Real sessions over loopback TCP, distinct ports; nothing else.
@Suite(.serialized) struct PeeringTests {
    @Test func quickstartConvergesOverTCPToWhatTheSimulationSays() async throws {
        let topology = try loadLab("quickstart.yaml")
        let nodes = try await LoopbackNodes(topology)
        try await nodes.start()
        let expected = expectedRoutes(topology)
        let converged = await nodes.waitUntil { await liveRoutes(nodes) == expected }
        let live = await liveRoutes(nodes)
        let peers = await nodes.services["colo1"]!.peers()
        await nodes.stop()
        #expect(converged, "live routes differ from the simulation: \(live.filter { expected[$0.key] != $0.value })")
        #expect(peers.map(\.state) == ["Established", "Established"])
        #expect(peers.allSatisfy { $0.updatesIn > 0 && $0.routesAccepted > 0 })
    }

    @Test func twoNodesConvergeAndWithdrawWhenOneStops() async throws {
        let topology = try Topology.parse(yaml: """
            name: pair
            nodes:
              up: { role: upstream, operator: 100, region: US }
              colo: { role: colo, operator: 64500, region: US, domains: [c.example] }
            links:
              - { a: colo, b: up, price: 2 }
            """).topology
        let nodes = try await LoopbackNodes(topology)
        try await nodes.start()
        let up = nodes.services["up"]!
        #expect(await nodes.waitUntil { await up.lookup(DomainName("x.c.example")!)?.nextHop == "colo" })
        let route = await up.lookup(DomainName("c.example")!)
        #expect(route?.path == [64500])
        // A clean stop sends cease: the neighbour withdraws at once, well within the hold time.
        await nodes.services["colo"]!.stop()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await nodes.waitUntil(timeout: .seconds(5)) { await up.lookup(DomainName("c.example")!) == nil })
        #expect(clock.now - start < .seconds(3))
        let peer = await up.peers().first
        #expect(peer?.state != "Established")
        #expect(peer?.lastDown?.contains("cease") == true, "lastDown: \(String(describing: peer?.lastDown))")
        await up.stop()
    }

    @Test func roleMismatchIsRefusedWithAClearReason() async throws {
        // Both sides think they are the customer.
        let a = try Topology.parse(yaml: "name: a\nnodes:\n  x: { role: upstream, operator: 10, region: US }\n  y: { role: upstream, operator: 20, region: US }\nlinks:\n  - { a: x, b: y, relationship: customer }\n").topology
        let b = try Topology.parse(yaml: "name: b\nnodes:\n  x: { role: upstream, operator: 10, region: US }\n  y: { role: upstream, operator: 20, region: US }\nlinks:\n  - { a: y, b: x, relationship: customer }\n").topology
        let host = LoopbackHosts.unique()
        let ports = try await freePorts(2, host: host)
        let address: (String) -> HostPort = { HostPort(host: host, port: UInt16($0 == "x" ? ports[0] : ports[1])) }
        let x = try PeeringService(settings: PeeringSettings.forTopologyNode("x", in: a, mxgpAddress: address, smtpEndpoint: "x:25", listen: address("x"))!, logger: testLogger("x"))
        let y = try PeeringService(settings: PeeringSettings.forTopologyNode("y", in: b, mxgpAddress: address, smtpEndpoint: "y:25", listen: address("y"))!, logger: testLogger("y"))
        try await x.start()
        try await y.start()
        let refused = await LoopbackNodes.poll { (await x.peers().first?.lastError ?? "").contains("role") }
        #expect(refused)
        #expect(await x.peers().first?.state != "Established")
        await x.stop()
        await y.stop()
    }

    @Test func garbageOnTheSocketGetsANotificationAndOtherPeersStayUp() async throws {
        let topology = try Topology.parse(yaml: pairTopologyYAML).topology
        let nodes = try await LoopbackNodes(topology)
        try await nodes.start()
        let up = nodes.services["up"]!
        #expect(await nodes.waitUntil { await up.lookup(DomainName("c.example")!) != nil })
        for garbage in [Array("HELO spammer.example\r\n".utf8), [0x4D, 0x58, 0, 0, 0, 7, 99], [0x4D, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 1], Array(repeating: 0xAB, count: 64)] {
            let reply = try await RawClient.exchange(host: nodes.host, port: nodes.ports["up"]!, bytes: garbage)
            var buffer = ByteBuffer(bytes: reply)
            var decoder = MXGPMessageDecoder()
            let message = try decoder.decode(buffer: &buffer)
            guard case .notification(let note) = message else {
                Issue.record("expected a NOTIFICATION for \(garbage.prefix(8)), got \(String(describing: message))")
                continue
            }
            #expect(note.code == .messageHeaderError || note.code == .finiteStateMachineError)
        }
        // The real session never noticed.
        #expect(await up.peers().first?.state == "Established")
        #expect(await up.lookup(DomainName("c.example")!) != nil)
        await nodes.stop()
    }

    @Test func anOpenFromAnUnknownOperatorIsRefused() async throws {
        let topology = try Topology.parse(yaml: "name: one\nnodes:\n  up: { role: upstream, operator: 100, region: US }\n  t: { role: tier1, operator: 1, region: US }\nlinks:\n  - { a: up, b: t }\n").topology
        let nodes = try await LoopbackNodes(topology, only: ["up"])
        try await nodes.start()
        let open = MXGPMessage.open(OpenMessage(operatorNumber: 666, holdTime: 3, role: .customer, nodeRole: .colo, region: Region("US")!, nodeName: "intruder"))
        let reply = try await RawClient.exchange(host: nodes.host, port: nodes.ports["up"]!, bytes: Array(buffer: open.encoded()))
        var buffer = ByteBuffer(bytes: reply)
        var decoder = MXGPMessageDecoder()
        guard case .notification(let note) = try decoder.decode(buffer: &buffer) else {
            Issue.record("expected a NOTIFICATION")
            return
        }
        #expect(note.code == .openMessageError)
        #expect(note.text.contains("666"))
        await nodes.stop()
    }
}

extension LoopbackNodes {
    static func poll(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

/// A raw TCP client for bad-input tests: sends bytes, returns what came back before the server closed.
enum RawClient {
    static func exchange(host: String, port: Int, bytes: [UInt8], timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.pipeline.addHandler(collector) }
            .connect(host: host, port: port).get()
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        let closed = await LoopbackNodes.poll(timeout: timeout) { !channel.isActive }
        if !closed { try? await channel.close().get() }
        return collector.bytes()
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private var received: [UInt8] = []
        private let lock = NSLock()
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            lock.withLock { received += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        }
        func bytes() -> [UInt8] { lock.withLock { received } }
    }
}

/// The codec's committed bad-input corpus, sent over real sockets to a running node.
@Suite(.serialized) struct CorpusOverSocketTests {
    struct Case: Decodable {
        var file: String
        var expect: String
        var description: String
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MXGPCoreTests/Corpus")

    @Test func everyBadInputGetsANotificationAndTheRealSessionStaysUp() async throws {
        struct Manifest: Decodable { var cases: [Case] }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: Self.corpus.appendingPathComponent("manifest.json")))
        let topology = try Topology.parse(yaml: pairTopologyYAML).topology
        let nodes = try await LoopbackNodes(topology)
        try await nodes.start()
        let up = nodes.services["up"]!
        #expect(await nodes.waitUntil { await up.lookup(DomainName("c.example")!) != nil })
        var answered = 0
        for item in manifest.cases {
            let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(item.file)))
            let incomplete = item.expect == "incomplete"  // the node waits for the rest; the client gives up
            let reply = try await RawClient.exchange(
                host: nodes.host, port: nodes.ports["up"]!, bytes: bytes, timeout: incomplete ? .milliseconds(50) : .seconds(2))
            if incomplete { continue }
            var buffer = ByteBuffer(bytes: reply)
            var decoder = MXGPMessageDecoder()
            if case .notification = try? decoder.decode(buffer: &buffer) {
                answered += 1
            } else {
                Issue.record("\(item.file) (\(item.description)): expected a NOTIFICATION, got \(reply.count) bytes")
            }
        }
        #expect(answered == manifest.cases.filter { $0.expect != "incomplete" }.count)
        #expect(await up.peers().first?.state == "Established")
        #expect(await up.lookup(DomainName("c.example")!) != nil)
        await nodes.stop()
    }
}
