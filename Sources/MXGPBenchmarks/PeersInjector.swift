import Foundation
import MXGPAdminAPI
import MXGPCore
import NIOCore
import NIOPosix

/// `mxgp bench inject`: `peers` MXGP sessions from this process to a running receiver
/// (`mxgp node`, a separate process), each announcing `domainsPerPeer` distinct domains:
/// the bgperf2 shape over real sessions.
///
/// Every UPDATE is encoded before the clock starts (routes ready in the sender, as in a
/// BGP injector loaded from MRT). The clock starts when `goFile` exists (or at once) and the
/// sessions are opened then; it stops when the receiver's admin API answers
/// `GET /v1/routes/<last domain of each peer>`: the receiver handles a session's messages in
/// order, so a peer's last domain installed means all of its earlier ones are. The total of
/// `routesAccepted` is checked after the clock stopped.
public struct PeersInjector: Sendable {
    public var peers: Int
    public var domainsPerPeer: Int
    public var domainsPerUpdate: Int
    /// The receiver's MXGP listener.
    public var host: String
    public var port: Int
    /// Operator number of peer k is `operatorBase + k`; its node name `inj<k>`.
    public var operatorBase: UInt32
    /// The receiver's admin socket, polled for the routes.
    public var adminSocket: String
    /// Start (open the sessions) once this file exists; nil: at once.
    public var goFile: String?
    public var timeout: Duration

    public init(peers: Int, domainsPerPeer: Int, domainsPerUpdate: Int = 1000, host: String, port: Int, operatorBase: UInt32 = 64500,
                adminSocket: String, goFile: String? = nil, timeout: Duration = .seconds(600)) {
        self.peers = peers
        self.domainsPerPeer = domainsPerPeer
        self.domainsPerUpdate = domainsPerUpdate
        self.host = host
        self.port = port
        self.operatorBase = operatorBase
        self.adminSocket = adminSocket
        self.goFile = goFile
        self.timeout = timeout
    }

    /// What a run measured.
    public struct Result: Sendable {
        public var routes: Int
        public var updates: Int
        /// Bytes of UPDATE frames sent.
        public var bytes: Int
        /// From the start (go file seen) until every peer's last domain was installed.
        public var seconds: Double
        /// From the start until every session was Established.
        public var establishedSeconds: Double
        /// The total of `routesAccepted` over the injector's peers, after the run.
        public var routesAccepted: Int
    }

    public enum Failure: Error, CustomStringConvertible {
        case session(String)
        case timedOut(String)
        public var description: String {
            switch self {
            case .session(let text): return "an MXGP session failed: \(text)"
            case .timedOut(let what): return "timed out \(what)"
            }
        }
    }

    /// Peer k's domain i: `d<i>.p<k>.bench.example`.
    public static func domainName(peer: Int, _ i: Int) -> DomainName { DomainName("d\(i).p\(peer).bench.example")! }

    /// Encodes every peer's UPDATEs (before any clock), calls `ready`, waits for the go file,
    /// then runs the sessions until the receiver holds every route.
    public func run(ready: @Sendable (String) -> Void) async throws -> Result {
        let clock = ContinuousClock()
        let allocator = ByteBufferAllocator()
        var framesPerPeer: [[ByteBuffer]] = []
        var lastDomains: [String] = []
        var updates = 0
        var bytes = 0
        for k in 0..<peers {
            let attributes = PathAttributes(operatorPath: [operatorBase + UInt32(k)], nextHop: "127.0.0.1:2525", originProof: OriginProof(region: Region("US")!))
            var frames: [ByteBuffer] = []
            var chunk = allocator.buffer(capacity: 256 * 1024)
            var i = 0
            while i < domainsPerPeer {
                let end = min(i + domainsPerUpdate, domainsPerPeer)
                let update = UpdateMessage(attributes: attributes, announced: (i..<end).map { Self.domainName(peer: k, $0) })
                MXGPMessage.update(update).encode(into: &chunk)
                updates += 1
                if chunk.readableBytes >= 192 * 1024 {
                    bytes += chunk.readableBytes
                    frames.append(chunk)
                    chunk = allocator.buffer(capacity: 256 * 1024)
                }
                i = end
            }
            if chunk.readableBytes > 0 { bytes += chunk.readableBytes; frames.append(chunk) }
            framesPerPeer.append(frames)
            lastDomains.append(Self.domainName(peer: k, domainsPerPeer - 1).text)
        }
        ready(String(format: "ready: %d peers × %d domains in %d UPDATEs (%.1f MB) encoded", peers, domainsPerPeer, updates, Double(bytes) / 1_048_576))

        if let goFile {
            let waitLimit = clock.now + .seconds(3600)
            while !FileManager.default.fileExists(atPath: goFile) {
                guard clock.now < waitLimit else { throw Failure.timedOut("waiting for \(goFile)") }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        let start = clock.now
        let deadline = start + timeout

        let group = MultiThreadedEventLoopGroup.singleton
        var injectors: [FrameInjector] = []
        var channels: [Channel] = []
        defer { for channel in channels { channel.close(promise: nil) } }
        for k in 0..<peers {
            let open = OpenMessage(operatorNumber: operatorBase + UInt32(k), holdTime: SessionConfiguration.productionHoldTime, role: .provider, nodeRole: .upstream,
                                   region: Region("US")!, nodeName: "inj\(k)")
            let loop = group.next()
            let injector = FrameInjector(open: open, frames: framesPerPeer[k], loop: loop)
            let channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MXGPMessageDecoder()))
                        try channel.pipeline.syncOperations.addHandler(injector)
                    }
                }
                .connect(host: host, port: port).get()
            injectors.append(injector)
            channels.append(channel)
        }
        framesPerPeer = []
        for injector in injectors {
            let established = injector.established.futureResult
            try await established.get()
        }
        let establishedAt = clock.now

        let admin = AdminClient(endpoint: .unixSocket(path: adminSocket), timeout: .seconds(30))
        var pending = Array(0..<peers)
        while !pending.isEmpty {
            if let failure = injectors.lazy.compactMap(\.failure).first { throw Failure.session(failure) }
            let k = pending[0]
            if (try? await admin.request("GET", AdminPath.route(lastDomains[k])))?.status == 200 {
                pending.removeFirst()
                continue
            }
            guard clock.now < deadline else { throw Failure.timedOut("waiting for the receiver to install every route (\(pending.count) peers incomplete)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = (clock.now - start).inSeconds

        let body = try await AdminClient(endpoint: .unixSocket(path: adminSocket), timeout: .seconds(120)).request("GET", AdminPath.peers).body
        let names = Set((0..<peers).map { "inj\($0)" })
        let accepted = (try? AdminJSON.decode(AdminPeers.self, from: body))?.peers.filter { names.contains($0.name) }.reduce(0) { $0 + $1.routesAccepted } ?? -1
        return Result(routes: peers * domainsPerPeer, updates: updates, bytes: bytes, seconds: seconds,
                      establishedSeconds: (establishedAt - start).inSeconds, routesAccepted: accepted)
    }
}
