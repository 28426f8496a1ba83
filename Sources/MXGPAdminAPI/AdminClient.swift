import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the admin API, over a Unix socket or TCP, built on NIOHTTP1.
/// One request per connection (`Connection: close`); the response body is collected up to
/// `maxResponseBytes`, and the whole exchange must finish within `timeout`.
public struct AdminClient: Sendable {
    /// Where the node's admin API listens.
    public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// The node's Unix socket (`listen.admin`).
        case unixSocket(path: String)
        /// The node's TCP listener (`listen.admin-tcp`).
        case tcp(host: String, port: Int)

        /// Parses `http://HOST:PORT` (a path, if any, is ignored); nil for anything else.
        public init?(url text: String) {
            guard let url = URL(string: text), url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty else { return nil }
            self = .tcp(host: host, port: url.port ?? 80)
        }

        public var description: String {
            switch self {
            case .unixSocket(let path): return path
            case .tcp(let host, let port): return "http://\(host):\(port)"
            }
        }

        /// The `Host` header for this endpoint.
        var hostHeader: String {
            switch self {
            case .unixSocket: return "mxgp"
            case .tcp(let host, let port): return "\(host):\(port)"
            }
        }
    }

    /// A response: status code, headers (lower-cased names) and body text.
    public struct Response: Sendable, Hashable {
        /// The HTTP status code.
        public var status: Int
        /// The headers, names in lower case.
        public var headers: [String: String]
        /// The body as text (UTF-8).
        public var body: String
    }

    /// What can go wrong talking to a node.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// Nothing listens at the endpoint (no socket file, connection refused, …).
        case unreachable(Endpoint, String)
        /// The node did not answer in time.
        case timeout(Endpoint)
        /// The answer was not HTTP.
        case malformed(Endpoint, String)
        /// The answer's body is larger than the client accepts.
        case tooLarge(Endpoint, limit: Int)

        public var description: String {
            switch self {
            case .unreachable(let endpoint, let reason): return "no node answers on \(endpoint) (\(reason))"
            case .timeout(let endpoint): return "the node on \(endpoint) did not answer in time"
            case .malformed(let endpoint, let reason): return "the answer from \(endpoint) is not HTTP: \(reason)"
            case .tooLarge(let endpoint, let limit):
                return "the answer from \(endpoint) is larger than \(limit) bytes; ask for less (e.g. one route: routes DOMAIN)"
            }
        }
    }

    /// The largest response body accepted by default: 64 MiB.
    public static let defaultMaxResponseBytes = 64 << 20

    /// Where the node listens.
    public var endpoint: Endpoint
    /// The limit for connecting and for the whole answer.
    public var timeout: TimeAmount
    /// The largest response body accepted; a larger one fails with ``Failure/tooLarge(_:limit:)``.
    public var maxResponseBytes: Int

    /// A client for the node at `endpoint`.
    public init(endpoint: Endpoint, timeout: TimeAmount = .seconds(10), maxResponseBytes: Int = AdminClient.defaultMaxResponseBytes) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends one request (with `body`, JSON, if given) and returns the response (any status).
    /// `headers` replace the default ones of the same name (`Host`, `Content-Type`…) or are
    /// added.
    public func request(_ method: String = "GET", _ path: String, body: String? = nil, headers extra: [(name: String, value: String)] = []) async throws -> Response {
        let group = MultiThreadedEventLoopGroup.singleton
        let endpoint = self.endpoint
        let promise = group.next().makePromise(of: Response.self)
        let limit = maxResponseBytes
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(endpoint: endpoint, limit: limit, promise: promise))
                }
            }
        let channel: Channel
        do {
            switch endpoint {
            case .unixSocket(let path):
                guard FileManager.default.fileExists(atPath: path) else { throw Failure.unreachable(endpoint, "no socket file") }
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
        } catch let failure as Failure {
            promise.fail(failure)
            throw failure
        } catch {
            let failure = Failure.unreachable(endpoint, Self.reason(error))
            promise.fail(failure)
            throw failure
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(Failure.timeout(endpoint))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Content-Length", value: String(body?.utf8.count ?? 0))
        headers.add(name: "Accept", value: "application/json")
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        return try await promise.futureResult.get()
    }

    /// Why a connection failed, in a few words.
    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ENOENT: return "no socket file"
            case EACCES: return "permission denied"
            default: return io.description
            }
        }
        if let connect = error as? NIOConnectionError, let first = connect.connectionErrors.first {
            return reason(first.error)
        }
        return "\(error)"
    }
}

/// Collects one HTTP response (head and body up to `limit` bytes), then closes the channel.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let endpoint: AdminClient.Endpoint
    let limit: Int
    let promise: EventLoopPromise<AdminClient.Response>
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    init(endpoint: AdminClient.Endpoint, limit: Int, promise: EventLoopPromise<AdminClient.Response>) {
        self.endpoint = endpoint
        self.limit = limit
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
        case .body(var chunk):
            guard body.readableBytes + chunk.readableBytes <= limit else {
                promise.fail(AdminClient.Failure.tooLarge(endpoint, limit: limit))
                context.close(promise: nil)
                return
            }
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            promise.succeed(AdminClient.Response(status: Int(head.status.code), headers: headers, body: String(buffer: body)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(AdminClient.Failure.malformed(endpoint, head == nil ? "the connection closed without an answer" : "the connection closed in the middle of the answer"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(AdminClient.Failure.malformed(endpoint, "\(error)"))
        context.close(promise: nil)
    }
}
