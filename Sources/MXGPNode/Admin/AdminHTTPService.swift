import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The admin API on one listener, as a `Service`: Hummingbird's HTTP/1 server and router,
/// without Hummingbird's `Application`, whose cache of the `Date` header wakes the process
/// every second (a lab of 1,000 idle nodes: 1,000 wakeups a second for nothing). The header is
/// formatted per response instead (``HTTPDate``); the API answers a few requests a minute.
struct AdminHTTPService: Service {
    let responder: RouterResponder<BasicRequestContext>
    let address: BindAddress
    let logger: Logger
    /// Gets the listening channel once the server runs (e.g. to learn an ephemeral port).
    let onServerRunning: @Sendable (any Channel) async -> Void

    /// The server name in every response's `Server` header.
    static let serverName = "mxgp-admin"

    func run() async throws {
        let responder = self.responder, logger = self.logger
        let server = try HTTPServerBuilder.http1().buildServer(
            configuration: ServerConfiguration(address: address, serverName: Self.serverName),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger,
            responder: { request, writer, channel in
                let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch let error as HTTPParserError {
                    throw error
                } catch {
                    // The router's error middleware answers the API's errors; anything else is a bug.
                    logger.error("admin API request failed", metadata: ["error": "\(error)"])
                    response = Response(status: .internalServerError)
                }
                response.headers[.date] = HTTPDate.string(from: Date())
                response.headers[.server] = Self.serverName
                try await writer.write(response: response.head, body: response.body)
            },
            onServerRunning: onServerRunning)
        try await server.run()
    }
}

/// The HTTP date format (RFC 9110 §5.6.7, IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `date` in IMF-fixdate, always in GMT.
    static func string(from date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
