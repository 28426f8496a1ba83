import Foundation
import MXGPCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Child processes

/// A child process started with `posix_spawn`, its standard output and error going to a
/// log file. Used by `mxgp bench session` and the process tests to run `mxgp node`.
///
/// `kill()` sends SIGKILL and reaps the child (blocking briefly); it is idempotent, so
/// callers put it in a `defer`. After the child has been reaped no signal is sent any
/// more (its pid may have been reused).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let executable: String
    public let arguments: [String]
    public let logPath: String
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable arguments…` with the current environment; stdin is /dev/null,
    /// stdout and stderr are appended to `logPath`.
    public init(executable: String, arguments: [String], logPath: String) throws {
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
        guard access(executable, X_OK) == 0 else { throw ChildProcessError.notExecutable(executable) }
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // posix_spawn keeps every descriptor without close-on-exec, and this process may hold
        // sockets (other tests' listeners): a bash prologue closes them before exec, so the
        // child holds nothing but stdin, stdout and stderr.
        let closeInherited = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$0" "$@""#
        let launcher = access("/bin/bash", X_OK) == 0 ? ["/bin/bash", "-c", closeInherited, executable] : [executable]
        let argv: [UnsafeMutablePointer<CChar>?] = (launcher + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, launcher[0], &actions, nil, argv, environ)
        guard result == 0 else { throw ChildProcessError.spawnFailed(executable, result) }
        pid = child
    }

    /// Sends `signal` unless the child has already been reaped.
    public func send(_ signal: Int32) {
        lock.withLock {
            guard status == nil else { return }
            _ = systemKill(pid, signal)
        }
    }

    /// True once the child has exited (reaps it without blocking).
    public var hasExited: Bool {
        lock.withLock {
            if status != nil { return true }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
            return status != nil
        }
    }

    /// The exit status once the child exited normally; nil while it runs or when a signal ended it.
    public var exitStatus: Int32? {
        guard hasExited, let raw = lock.withLock({ status }) else { return nil }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : nil
    }

    /// Waits (polling) until the child exits or `timeout` passes; returns whether it exited.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if hasExited { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return hasExited
    }

    /// SIGKILL and reap. Safe to call more than once and on a stopped child.
    public func kill() {
        lock.withLock {
            guard status == nil else { return }
            _ = systemKill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            status = raw
        }
    }

    /// The last `lines` lines of the child's log, for error messages.
    public func logTail(lines: Int = 30) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no log at \(logPath))" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Memory and CPU figures of the running child (Linux `/proc`); nil once it exited or elsewhere.
    public var usage: ProcessUsage? { lock.withLock { status == nil ? ProcessUsage.of(pid: pid) : nil } }
}

/// `kill(2)` (the method of `ChildProcess` shadows the name inside the class).
private func systemKill(_ pid: pid_t, _ signal: Int32) -> Int32 { kill(pid, signal) }

public enum ChildProcessError: Error, CustomStringConvertible {
    case notExecutable(String)
    case spawnFailed(String, Int32)

    public var description: String {
        switch self {
        case .notExecutable(let path): return "\(path) is missing or not executable"
        case .spawnFailed(let path, let code): return "cannot start \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// Resident memory and CPU time of a process, from Linux `/proc/<pid>/status` and `/stat`.
public struct ProcessUsage: Sendable, Hashable {
    /// VmRSS: resident now.
    public var residentBytes: Int
    /// VmHWM: the peak resident set size so far.
    public var peakResidentBytes: Int
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double

    public static func of(pid: pid_t) -> ProcessUsage? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first
        }
        guard let rss = kilobytes("VmRSS"), let hwm = kilobytes("VmHWM") else { return nil }
        var cpu = 0.0
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                cpu = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        return ProcessUsage(residentBytes: rss * 1024, peakResidentBytes: hwm * 1024, cpuSeconds: cpu)
    }

    /// This process.
    public static var current: ProcessUsage? { of(pid: getpid()) }
}

/// Free TCP ports on 127.0.0.1 (each bound once to port 0, then released).
public func freeLoopbackPorts(_ count: Int) async throws -> [Int] {
    var channels: [Channel] = []
    defer { for channel in channels { channel.close(promise: nil) } }
    for _ in 0..<count {
        channels.append(try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get())
    }
    let ports = channels.compactMap { $0.localAddress?.port }
    for channel in channels { try await channel.close().get() }
    channels = []
    return ports
}

// MARK: - The session benchmark

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
    public var domains: Int
    public var domainsPerUpdate: Int
    /// The `mxgp` binary that runs the receiver node.
    public var binary: String
    /// The whole run is abandoned after this.
    public var timeout: Duration
    /// Keep the work folder (configs, receiver log) instead of removing it.
    public var keepFiles: Bool

    public init(domains: Int, domainsPerUpdate: Int = 1000, binary: String, timeout: Duration = .seconds(120), keepFiles: Bool = false) {
        self.domains = domains
        self.domainsPerUpdate = domainsPerUpdate
        self.binary = binary
        self.timeout = timeout
        self.keepFiles = keepFiles
    }

    public struct Result: Sendable {
        public var domains: Int
        public var updates: Int
        public var receiverPID: Int32
        /// From spawning the receiver until its admin API answered.
        public var receiverStartSeconds: Double
        /// From connecting until Established.
        public var handshakeSeconds: Double
        /// From Established until the last domain was installed on the receiver.
        public var seconds: Double
        public var routesPerSecond: Double { Double(domains) / max(seconds, 1e-9) }
        /// `routesAccepted` of the receiver's session with the sender, after the run.
        public var routesAccepted: Int
        public var receiver: ProcessUsage
        /// Receiver CPU time spent between Established and the last domain installed.
        public var receiverCPUSeconds: Double
        /// Peak RSS of this process (the injector), bytes.
        public var senderPeakResidentBytes: Int
        public var workDirectory: String
    }

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
            if (try? await admin.request("GET", "/v1/node"))?.status == 200 { break }
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
            if (try? await admin.request("GET", "/v1/routes/\(last)"))?.status == 200 {
                installed = clock.now
                break
            }
            guard clock.now < deadline else { throw Failure.timedOut("waiting for the receiver to install \(domains) routes") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let seconds = (installed! - established).benchSeconds
        let cpuAtEnd = receiver.usage?.cpuSeconds ?? 0
        let usage = receiver.usage
        // Count check (sorts the Adj-RIB-In on the receiver: done after the clock stopped).
        let peersBody = try await AdminClient(endpoint: .unixSocket(path: socket), timeout: .seconds(60)).request("GET", "/v1/peers").body
        let accepted = (try? AdminJSON.decode(AdminPeers.self, from: peersBody))?.peers.first { $0.name == "inj" }?.routesAccepted ?? -1
        guard accepted == domains else { throw Failure.wrongCount(expected: domains, got: accepted) }
        let finalUsage = receiver.usage ?? usage
        return Result(
            domains: domains, updates: (domains + domainsPerUpdate - 1) / domainsPerUpdate, receiverPID: receiver.pid,
            receiverStartSeconds: receiverStart.benchSeconds, handshakeSeconds: (established - connectStart).benchSeconds,
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

private extension Duration {
    var benchSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A minimal MXGP speaker: OPEN, KEEPALIVE every second, then every domain in UPDATEs of
/// `perUpdate`, then END-OF-RIB, writing only while the channel is writable.
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
    private let lock = NSLock()
    private var failureText: String?

    init(open: OpenMessage, attributes: PathAttributes, names: [DomainName], perUpdate: Int, loop: EventLoop) {
        self.open = open
        self.attributes = attributes
        self.names = names
        self.perUpdate = perUpdate
        self.established = loop.makePromise()
    }

    /// Why the session failed, if it did.
    var failure: String? { lock.withLock { failureText } }

    private func fail(_ text: String) {
        lock.withLock { if failureText == nil { failureText = text } }
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
