import Foundation
import MXGPAdminAPI
import MXGPCore
import MXGPProcess
import NIOCore
import NIOPosix

/// `mxgp bench session`: a real `mxgp node` process (the receiver) learns `domains` routes
/// over one MXGP session on loopback, and the benchmark times how long until every one is
/// installed in its Loc-RIB.
///
/// The sender is an in-process MXGP speaker (a route injector, like the test speakers of
/// bgperf): it opens a real TCP session with OPEN/KEEPALIVE, then announces the domains in
/// UPDATEs of `domainsPerUpdate` sharing one attribute set, then END-OF-RIB, honouring TCP
/// back-pressure. A node cannot be the sender at this scale: originating N own domains is
/// quadratic in N in `RoutingEngine` (see `Result.notes`).
///
/// The clock starts when the session is Established (the receiver's KEEPALIVE arrived) and
/// stops when the receiver answers `GET /v1/routes/<last domain>`: it handles the session's
/// messages in order, so the last domain installed means every earlier one is. The count is
/// then checked with `GET /v1/peers` (`routesAccepted`).
public struct SessionBenchmark: Sendable {
    /// Domains announced to the receiver.
    public var domains: Int
    /// Domains per UPDATE message.
    public var domainsPerUpdate: Int
    /// The `mxgp` binary that runs the receiver node.
    public var binary: String
    /// The whole run is abandoned after this.
    public var timeout: Duration
    /// Keep the work folder (configs, receiver log) instead of removing it.
    public var keepFiles: Bool

    /// A run announcing `domains` domains to a receiver started from `binary`.
    public init(domains: Int, domainsPerUpdate: Int = 1000, binary: String, timeout: Duration = .seconds(120), keepFiles: Bool = false) {
        self.domains = domains
        self.domainsPerUpdate = domainsPerUpdate
        self.binary = binary
        self.timeout = timeout
        self.keepFiles = keepFiles
    }

    /// What one run measured.
    public struct Result: Sendable {
        /// Domains announced.
        public var domains: Int
        /// UPDATE messages sent.
        public var updates: Int
        /// The receiver node's process id.
        public var receiverPID: Int32
        /// From spawning the receiver until its admin API answered.
        public var receiverStartSeconds: Double
        /// From connecting until Established.
        public var handshakeSeconds: Double
        /// From Established until the last domain was installed on the receiver.
        public var seconds: Double
        /// Routes installed per second.
        public var routesPerSecond: Double { Double(domains) / max(seconds, 1e-9) }
        /// `routesAccepted` of the receiver's session with the sender, after the run.
        public var routesAccepted: Int
        public var receiver: ProcessUsage
        /// Receiver CPU time spent between Established and the last domain installed.
        public var receiverCPUSeconds: Double
        /// Peak RSS of this process (the injector), bytes.
        public var senderPeakResidentBytes: Int
        /// The folder with the receiver's config and log.
        public var workDirectory: String
    }

    /// Why a run failed.
    public enum Failure: Error, CustomStringConvertible {
        case receiverExited(String)
        case timedOut(String)
        case session(String)
        case wrongCount(expected: Int, got: Int)

        public var description: String {
            switch self {
            case .receiverExited(let log): return "the receiver node exited; its log ends with:\n\(log)"
            case .timedOut(let what): return "timed out \(what)"
            case .session(let text): return "the MXGP session failed: \(text)"
            case .wrongCount(let expected, let got): return "the receiver accepted \(got) routes, expected \(expected)"
            }
        }
    }

    /// The domains announced: `d<i>.bench.example`.
    public static func domainName(_ i: Int) -> DomainName { DomainName("d\(i).bench.example")! }

    /// Runs the benchmark: starts the receiver, opens the session, announces, waits, checks the count.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keepFiles { try? FileManager.default.removeItem(atPath: work) } }

        // Build the announcements before any clock starts.
        let names = (0..<domains).map(Self.domainName)
        let ports = try await freeLoopbackPorts(2)
        let socket = work + "/recv.sock"
        let config = """
            # mxgp bench session: the receiving node
            name: recv
            operator: 100
            region: US
            role: upstream
            listen: { mxgp: "127.0.0.1:\(ports[0])", smtp: "127.0.0.1:\(ports[1])", admin: "\(socket)" }
            neighbours:
              - { name: inj, operator: 64500, relationship: customer, passive: true }
            timers: { profile: lab }
            store: "\(work)/recv-store"
            log-level: warning

            """
        try config.write(toFile: work + "/recv.yaml", atomically: true, encoding: .utf8)

        progress("receiver: \(binary) node --config \(work)/recv.yaml (listening on 127.0.0.1:\(ports[0]))")
        let spawned = clock.now
        let receiver = try ChildProcess(executable: binary, arguments: ["node", "--config", work + "/recv.yaml"], logPath: work + "/recv.log")
        defer { receiver.kill() }
        let admin = AdminClient(endpoint: .unixSocket(path: socket), timeout: .seconds(10))
        while true {
            if receiver.hasExited { throw Failure.receiverExited(receiver.logTail()) }
            if (try? await admin.request("GET", AdminPath.node))?.status == 200 { break }
            guard clock.now < deadline else { throw Failure.timedOut("waiting for the receiver's admin API") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let receiverStart = clock.now - spawned

        // The injector session.
        let open = OpenMessage(operatorNumber: 64500, holdTime: SessionConfiguration.labHoldTime, role: .customer, nodeRole: .colo, region: Region("US")!, nodeName: "inj")
        let attributes = PathAttributes(operatorPath: [64500], nextHop: "127.0.0.1:\(ports[1])", originProof: OriginProof(region: Region("US")!))
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let connectStart = clock.now
        var channel: Channel?
        var injector: RouteInjector!
        while channel == nil {
            // A fresh handler per attempt: a handler belongs to one pipeline.
            let attempt = RouteInjector(open: open, attributes: attributes, names: names, perUpdate: domainsPerUpdate, loop: loop)
            do {
                channel = try await ClientBootstrap(group: loop)
                    .connectTimeout(.seconds(2))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let sync = channel.pipeline.syncOperations
                            try sync.addHandler(ByteToMessageHandler(MXGPMessageDecoder()))
                            try sync.addHandler(MessageToByteHandler(MXGPMessageEncoder()))
                            try sync.addHandler(attempt)
                        }
                    }
                    .connect(host: "127.0.0.1", port: ports[0]).get()
                injector = attempt
            } catch {
                attempt.established.fail(error)
                guard clock.now < deadline else { throw Failure.timedOut("connecting to the receiver: \(error)") }
                if receiver.hasExited { throw Failure.receiverExited(receiver.logTail()) }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { channel?.close(promise: nil) }

        let handshake = injector.established.futureResult
        try await withDeadline(deadline, "waiting for Established") { try await handshake.get() }
        let established = clock.now
        let cpuAtStart = receiver.usage?.cpuSeconds ?? 0
        progress("session Established; announcing \(domains) domains in UPDATEs of \(domainsPerUpdate)")
        let running = injector!
        loop.execute { running.startAnnouncing() }

        let last = names[names.count - 1].text
        var installed: ContinuousClock.Instant?
        while installed == nil {
            if receiver.hasExited { throw Failure.receiverExited(receiver.logTail()) }
            if let error = injector.failure { throw Failure.session(error) }
            if (try? await admin.request("GET", AdminPath.route(last)))?.status == 200 {
                installed = clock.now
                break
            }
            guard clock.now < deadline else { throw Failure.timedOut("waiting for the receiver to install \(domains) routes") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let seconds = (installed! - established).inSeconds
        let cpuAtEnd = receiver.usage?.cpuSeconds ?? 0
        let usage = receiver.usage
        // Count check (sorts the Adj-RIB-In on the receiver: done after the clock stopped).
        let peersBody = try await AdminClient(endpoint: .unixSocket(path: socket), timeout: .seconds(60)).request("GET", AdminPath.peers).body
        let accepted = (try? AdminJSON.decode(AdminPeers.self, from: peersBody))?.peers.first { $0.name == "inj" }?.routesAccepted ?? -1
        guard accepted == domains else { throw Failure.wrongCount(expected: domains, got: accepted) }
        let finalUsage = receiver.usage ?? usage
        return Result(
            domains: domains, updates: (domains + domainsPerUpdate - 1) / domainsPerUpdate, receiverPID: receiver.pid,
            receiverStartSeconds: receiverStart.inSeconds, handshakeSeconds: (established - connectStart).inSeconds,
            seconds: seconds, routesAccepted: accepted,
            receiver: finalUsage ?? ProcessUsage(residentBytes: 0, peakResidentBytes: 0, cpuSeconds: 0),
            receiverCPUSeconds: cpuAtEnd - cpuAtStart,
            senderPeakResidentBytes: ProcessUsage.current?.peakResidentBytes ?? 0,
            workDirectory: work)
    }

    private func withDeadline<T: Sendable>(_ deadline: ContinuousClock.Instant, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Failure.timedOut(what) }
            return value
        }
    }
}
