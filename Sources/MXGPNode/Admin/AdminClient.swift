import Foundation
import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 client for the admin API, over a Unix socket or loopback TCP.
/// One request per connection (`Connection: close`); the response is read until the node
/// closes the connection, then parsed (Content-Length and chunked bodies).
public struct AdminClient: Sendable {
    /// Where the node's admin API listens.
    public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        case unixSocket(path: String)
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
    }

    /// A response: status code, headers (lower-cased names) and body text.
    public struct Response: Sendable, Hashable {
        public var status: Int
        public var headers: [String: String]
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

        public var description: String {
            switch self {
            case .unreachable(let endpoint, let reason): return "no node answers on \(endpoint) (\(reason))"
            case .timeout(let endpoint): return "the node on \(endpoint) did not answer in time"
            case .malformed(let endpoint, let reason): return "the answer from \(endpoint) is not HTTP: \(reason)"
            }
        }
    }

    public var endpoint: Endpoint
    public var timeout: TimeAmount

    public init(endpoint: Endpoint, timeout: TimeAmount = .seconds(10)) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    /// Sends one request and returns the response (any status).
    public func request(_ method: String = "GET", _ path: String) async throws -> Response {
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: ByteBuffer.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CollectHandler(promise: promise))
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
            promise.fail(error)
            throw Failure.unreachable(endpoint, Self.reason(error))
        }
        let host: String
        if case .tcp(let h, let p) = endpoint { host = "\(h):\(p)" } else { host = "mxgp" }
        let head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\nContent-Length: 0\r\nAccept: application/json\r\n\r\n"
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(Failure.timeout(endpoint))
            channel.close(promise: nil)
        }
        channel.writeAndFlush(ByteBuffer(string: head), promise: nil)
        defer { deadline.cancel() }
        var raw = try await promise.futureResult.get()
        let bytes = raw.readBytes(length: raw.readableBytes) ?? []
        return try Self.parse(bytes, from: endpoint)
    }

    /// Parses a whole HTTP/1.1 response.
    static func parse(_ bytes: [UInt8], from endpoint: Endpoint) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.firstRange(of: separator) else {
            throw Failure.malformed(endpoint, bytes.isEmpty ? "the connection closed without an answer" : "no end of headers")
        }
        let headLines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure.malformed(endpoint, "bad status line \(headLines[0].debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[headEnd.upperBound...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(body, from: endpoint)
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else { throw Failure.malformed(endpoint, "body shorter than Content-Length \(length)") }
            body = Array(body.prefix(length))
        }
        return Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    /// Decodes a chunked body.
    static func dechunk(_ bytes: [UInt8], from endpoint: Endpoint) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        let crlf: [UInt8] = [13, 10]
        while true {
            guard let lineEnd = bytes[index...].firstRange(of: crlf) else { throw Failure.malformed(endpoint, "truncated chunk size") }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Failure.malformed(endpoint, "bad chunk size \(String(sizeText).debugDescription)")
            }
            index = lineEnd.upperBound
            if size == 0 { return out }
            guard index + size <= bytes.count else { throw Failure.malformed(endpoint, "truncated chunk") }
            out.append(contentsOf: bytes[index..<index + size])
            index += size + 2
        }
    }

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

/// Collects every byte until the peer closes, then fulfils the promise.
private final class CollectHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<ByteBuffer>
    var buffer = ByteBuffer()

    init(promise: EventLoopPromise<ByteBuffer>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        buffer.writeBuffer(&chunk)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(buffer)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
