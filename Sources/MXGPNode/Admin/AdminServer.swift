import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs the admin API as a `Service`: on a Unix socket (the default, `/run/mxgp/node.sock`)
/// and optionally on TCP. Graceful shutdown closes the listeners, then lets requests finish.
public struct AdminServer: Service {
    /// Where the API listens.
    public enum Listener: Sendable, Hashable, CustomStringConvertible {
        case unixSocket(path: String)
        case tcp(host: String, port: Int)

        public var bindAddress: BindAddress {
            switch self {
            case .unixSocket(let path): return .unixDomainSocket(path: path)
            case .tcp(let host, let port): return .hostname(host, port: port)
            }
        }

        public var description: String {
            switch self {
            case .unixSocket(let path): return "unix:\(path)"
            case .tcp(let host, let port): return "http://\(host):\(port)"
            }
        }
    }

    /// The default Unix socket (`MXGP_SOCKET` overrides it for `mxgp ctl`).
    public static let defaultSocketPath = "/run/mxgp/node.sock"

    public let provider: any NodeStatusProvider
    public let metrics: NodeMetrics
    public let listeners: [Listener]
    public let logger: Logger

    /// The mail data plane's queue, mailboxes and ledger, when the node runs one.
    public let mail: (any MailStatusProvider)?
    /// The lab's protocol faults (smtp-tempfail), when the node has a mail data plane.
    public let faults: SMTPFaultSwitch?
    /// Where `POST /v1/complaints` files spam complaints, when the node has a mail data plane.
    public let complaints: ComplaintDesk?
    /// Next-hop penalties and stats for `GET /v1/nexthops`, when the node has a mail data plane.
    public let nextHops: (any NextHopHealthProvider)?

    public init(provider: any NodeStatusProvider, metrics: NodeMetrics, listeners: [Listener], logger: Logger, mail: (any MailStatusProvider)? = nil,
                faults: SMTPFaultSwitch? = nil, complaints: ComplaintDesk? = nil, nextHops: (any NextHopHealthProvider)? = nil) {
        self.nextHops = nextHops
        self.complaints = complaints
        self.mail = mail
        self.faults = faults
        self.provider = provider
        self.metrics = metrics
        self.listeners = listeners
        self.logger = logger
    }

    /// Runs one server per listener until cancelled or shut down gracefully.
    public func run() async throws {
        let applications = try listeners.map {
            try Self.makeApplication(
                provider: provider, metrics: metrics, address: $0, logger: logger, mail: mail, faults: faults, complaints: complaints, nextHops: nextHops)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for application in applications {
                group.addTask { try await application.run() }
            }
            try await group.waitForAll()
        }
        for case .unixSocket(let path) in listeners { try? FileManager.default.removeItem(atPath: path) }
    }

    /// A server for the API on `address` (a `Service`, ``AdminHTTPService``). For a Unix
    /// socket it creates the parent directory if missing and removes a stale socket file.
    /// `onServerRunning` gets the listening channel (e.g. to learn an ephemeral port).
    public static func makeApplication(
        provider: any NodeStatusProvider, metrics: NodeMetrics, address: Listener, logger: Logger,
        mail: (any MailStatusProvider)? = nil, faults: SMTPFaultSwitch? = nil, complaints: ComplaintDesk? = nil,
        nextHops: (any NextHopHealthProvider)? = nil, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some Service {
        if case .unixSocket(let path) = address { try prepareSocket(path: path) }
        return AdminHTTPService(
            responder: AdminAPI(
                provider: provider, metrics: metrics, mail: mail, faults: faults, complaints: complaints, nextHops: nextHops
            ).router().buildResponder(),
            address: address.bindAddress, logger: logger, onServerRunning: onServerRunning)
    }

    /// Makes `path` bindable: creates its directory, removes a leftover socket file. Refuses
    /// to remove anything that is not a socket.
    public static func prepareSocket(path: String) throws {
        let fm = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard let attributes = try? fm.attributesOfItem(atPath: path) else { return }
        guard attributes[.type] as? FileAttributeType == .typeSocket else {
            throw AdminError(.internalServerError, "\(path) exists and is not a socket: remove it or choose another admin socket path")
        }
        try fm.removeItem(atPath: path)
    }
}
