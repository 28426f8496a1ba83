import Foundation
import Hummingbird
import Logging
import MXGPAdminAPI
import MXGPCore

/// The admin API of a node: read its peers, routes and metrics, and ask it to reset a
/// session or reload its configuration. JSON bodies are `AdminJSON` types.
///
/// | Method and path | Answer |
/// |---|---|
/// | `GET /v1/node` | `NodeInfo` |
/// | `GET /v1/peers` | `{"peers": [PeerStatus…]}` |
/// | `GET /v1/routes` | `{"routes": {"<domain>": ROUTE}}` (DESIGN §8 plus `alternates`), and `"originInvalid": [...]` when routes were refused by origin validation |
/// | `GET /v1/routes/{domain}` | `{"domain", "matched", "route"}`, the route and its alternates with `usability` (whether the data plane would send to that next hop now); 404 if no route, 400 for a bad name |
/// | `GET /v1/nexthops` | `{"nexthops": [AdminNextHop…]}`: every configured neighbour as a next hop (state, penalty, last error, traffic, latency, the domains it is first choice for) |
/// | `GET /v1/queue` | `{"available": false, "reason", "queue": []}` until the data plane lands |
/// | `GET /v1/mailbox?limit=N` | `{"address": "*", "available", "messages"}`: the N (default 50, at most 1000) messages delivered last to any local mailbox, oldest first; 400 for a bad N |
/// | `GET /v1/mailbox/{address}` | `{"address", "available": false, "reason", "messages": []}` likewise |
/// | `GET /v1/ledger` | `{"available": false, "reason", "ledger": []}` likewise |
/// | `POST /v1/peers/{name}/reset` | `{"ok": true, "message"}`; 404 for an unknown neighbour |
/// | `POST /v1/reload` | `{"ok": true, "message"}`; 500 with the reason if it fails |
/// | `POST /v1/complaints` | body `{"messageId", "reason"?}` (or `?messageId=…&reason=…`): file a spam complaint about a message in a local mailbox; `ComplaintDesk.Outcome`; 404 if no mailbox holds it, 400 without a Message-ID |
/// | `GET /v1/faults` | `{"smtpTempfailPercent": N}`: the lab's protocol faults now set |
/// | `POST /v1/faults/smtp-tempfail?percent=N` | answer 421 to N% (1–100) of recipients; 400 for a bad N |
/// | `DELETE /v1/faults/smtp-tempfail` | stop answering 421 |
/// | `GET /metrics` | Prometheus text exposition |
///
/// Every error is `{"error": "..."}` with a 4xx/5xx status; unknown paths answer 404.
public struct AdminAPI: Sendable {
    public let provider: any NodeStatusProvider
    public let metrics: NodeMetrics
    /// The mail data plane, when the node runs one; without it the mail endpoints say "not available".
    public let mail: (any MailStatusProvider)?
    /// The lab's protocol faults; without it the fault endpoints answer 404.
    public let faults: SMTPFaultSwitch?
    /// Files spam complaints; without it `POST /v1/complaints` answers 404.
    public let complaints: ComplaintDesk?
    /// Next-hop penalties and stats (the delivery engine); without it every next hop shows
    /// its session state only, with nothing sent.
    public let nextHops: (any NextHopHealthProvider)?

    public init(
        provider: any NodeStatusProvider, metrics: NodeMetrics, mail: (any MailStatusProvider)? = nil, faults: SMTPFaultSwitch? = nil,
        complaints: ComplaintDesk? = nil, nextHops: (any NextHopHealthProvider)? = nil
    ) {
        self.nextHops = nextHops
        self.complaints = complaints
        self.faults = faults
        self.provider = provider
        self.metrics = metrics
        self.mail = mail
    }

    /// The router with every endpoint; build an `Application` over it (see `AdminServer`).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: AdminErrorMiddleware())
        let provider = self.provider
        let metrics = self.metrics
        let mail = self.mail
        let nextHops = self.nextHops ?? FixedNextHopHealth()

        router.get(RouterPath(AdminPath.node)) { _, _ in try AdminResponse.json(await provider.info()) }
        router.get(RouterPath(AdminPath.peers)) { _, _ in try AdminResponse.json(AdminPeers(peers: await provider.peers())) }
        router.get(RouterPath(AdminPath.routes)) { _, _ in
            let routes = await provider.routes()
            let refused = await provider.originInvalidRoutes()
            return try AdminResponse.json(AdminRoutes(
                routes: Dictionary(routes.map { ($0.domain.text, AdminRoute($0)) }) { a, _ in a },
                originInvalid: refused.isEmpty ? nil : refused.map(AdminRefusedRoute.init)))
        }
        router.get(RouterPath(AdminPath.routePattern)) { _, context in
            let raw = try AdminResponse.parameter(context, "domain")
            guard let domain = DomainName(raw) else {
                throw AdminError(.badRequest, "\(raw.debugDescription) is not a domain name: expected labels of letters, digits, - and _ (or . for the default route)")
            }
            guard let route = await provider.lookup(domain) else {
                throw AdminError(.notFound, "no route for \(domain.text) (nor for any of its suffixes, nor a default route)")
            }
            let annotated = NextHopReport.annotated(AdminRoute(route), peers: await provider.peers(), snapshot: nextHops.nextHopSnapshot())
            let refused = await provider.refusedRoutes(for: route.domain).map {
                AdminRefusedRoute(domain: $0.domain.text, neighbour: $0.neighbour, path: $0.path, reason: $0.reason.rawValue)
            }
            return try AdminResponse.json(AdminLookup(domain: domain.text, matched: route.domain.text, route: annotated,
                                                      refused: refused.isEmpty ? nil : refused))
        }
        router.get(RouterPath(AdminPath.nexthops)) { _, _ in
            let list = NextHopReport.nexthops(peers: await provider.peers(), routes: await provider.routes(), snapshot: nextHops.nextHopSnapshot())
            return try AdminResponse.json(AdminNextHops(nexthops: list))
        }
        router.get(RouterPath(AdminPath.queue)) { _, _ in
            guard let mail else { return try AdminResponse.json(AdminQueue(available: false, reason: AdminJSON.dataPlaneMissing, queue: [])) }
            return try AdminResponse.json(AdminQueue(available: true, reason: nil, queue: try await mail.queueEntries()))
        }
        router.get(RouterPath(AdminPath.recentMail)) { request, _ in
            var limit = 50
            if let text = request.uri.queryParameters.get("limit") {
                guard let value = Int(text), (1...1000).contains(value) else {
                    throw AdminError(.badRequest, "limit must be a number from 1 to 1000, e.g. ?limit=50")
                }
                limit = value
            }
            guard let mail else { return try AdminResponse.json(AdminMailbox(address: "*", available: false, reason: AdminJSON.dataPlaneMissing, messages: [])) }
            return try AdminResponse.json(AdminMailbox(address: "*", available: true, reason: nil, messages: try await mail.recentMailboxMessages(limit: limit)))
        }
        router.get(RouterPath(AdminPath.mailboxPattern)) { _, context in
            let address = try AdminResponse.parameter(context, "address")
            guard let mail else {
                return try AdminResponse.json(AdminMailbox(address: address, available: false, reason: AdminJSON.dataPlaneMissing, messages: []))
            }
            return try AdminResponse.json(AdminMailbox(address: address, available: true, reason: nil, messages: try await mail.mailboxMessages(address: address)))
        }
        router.get(RouterPath(AdminPath.ledger)) { _, _ in
            guard let mail else { return try AdminResponse.json(AdminLedger(available: false, reason: AdminJSON.dataPlaneMissing, ledger: [])) }
            return try AdminResponse.json(AdminLedger(available: true, reason: nil, ledger: try await mail.ledgerEntries()))
        }
        router.post(RouterPath(AdminPath.resetPeerPattern)) { _, context in
            let name = try AdminResponse.parameter(context, "name")
            guard await provider.peers().contains(where: { $0.name == name }) else {
                throw AdminError(.notFound, "no neighbour named \(name.debugDescription): see GET /v1/peers for the configured ones")
            }
            do {
                try await provider.resetSession(neighbour: name)
            } catch {
                throw AdminError(.internalServerError, "resetting the session with \(name) failed: \(error)")
            }
            return try AdminResponse.json(AdminActionResult(message: "session with \(name) reset"))
        }
        router.post(RouterPath(AdminPath.reload)) { _, _ in
            do {
                try await provider.reload()
            } catch {
                throw AdminError(.internalServerError, "reloading the configuration failed: \(error); the node keeps running the previous one")
            }
            return try AdminResponse.json(AdminActionResult(message: "configuration reloaded"))
        }
        if let faults { Self.addFaultRoutes(router, faults) }
        if let complaints { Self.addComplaintRoute(router, complaints) }
        router.get(RouterPath(AdminPath.metrics)) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: await metrics.scrape())))
        }
        return router
    }
}

/// An API error: an HTTP status and a message for people.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
    public var description: String { message }
}

/// Helpers to build JSON responses.
enum AdminResponse {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try AdminJSON.encode(value))))
    }

    /// A path parameter, percent-decoded.
    static func parameter(_ context: BasicRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}

/// Turns every error into `{"error": "..."}`: `AdminError` keeps its status, Hummingbird's
/// `HTTPError` its status (404 for unknown paths), anything else is a 500.
struct AdminErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminError {
            return try AdminResponse.json(AdminErrorBody(error: error.message), status: error.status)
        } catch let error as HTTPError {
            let message: String
            if error.status == .notFound {
                message = "no such endpoint: \(request.method) \(request.uri.path); the API serves /v1/node, /v1/peers, /v1/routes[/DOMAIN], /v1/nexthops, /v1/queue, /v1/mailbox[/ADDRESS], /v1/ledger, /v1/faults and /metrics"
            } else {
                message = error.body ?? error.status.reasonPhrase
            }
            return try AdminResponse.json(AdminErrorBody(error: message), status: error.status)
        } catch {
            return try AdminResponse.json(AdminErrorBody(error: "\(error)"), status: .internalServerError)
        }
    }
}

/// The body of `POST /v1/complaints`.
struct AdminComplaintRequest: Codable {
    var messageId: String
    var reason: String?
}

extension AdminAPI {
    /// `POST /v1/complaints`: file a spam complaint (DESIGN §4).
    static func addComplaintRoute(_ router: Router<BasicRequestContext>, _ complaints: ComplaintDesk) {
        router.post(RouterPath(AdminPath.complaints)) { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 8192)
            var messageId = request.uri.queryParameters.get("messageId")
            var reason = request.uri.queryParameters.get("reason")
            if body.readableBytes > 0 {
                guard let decoded = try? JSONDecoder().decode(AdminComplaintRequest.self, from: Data(body.readableBytesView)) else {
                    throw AdminError(.badRequest, "the body must be JSON like {\"messageId\": \"abc@example\", \"reason\": \"spam\"}")
                }
                messageId = decoded.messageId
                reason = decoded.reason ?? reason
            }
            guard let messageId, !messageId.isEmpty else {
                throw AdminError(.badRequest, "say which message: {\"messageId\": \"…\"} in the body or ?messageId=… (see mxgp ctl mailbox ADDRESS)")
            }
            do {
                return try AdminResponse.json(try await complaints.file(messageID: messageId, reason: reason ?? "spam"))
            } catch let error as ComplaintDesk.FilingError {
                throw AdminError(.notFound, error.description)
            }
        }
    }

    /// `/v1/faults…`: the lab's protocol faults.
    static func addFaultRoutes(_ router: Router<BasicRequestContext>, _ faults: SMTPFaultSwitch) {
        router.get(RouterPath(AdminPath.faults)) { _, _ in try AdminResponse.json(AdminFaults(smtpTempfailPercent: faults.tempfailPercent)) }
        router.post(RouterPath(AdminPath.smtpTempfail)) { request, _ in
            guard let text = request.uri.queryParameters.get("percent"), let percent = Int(text), (1...100).contains(percent) else {
                throw AdminError(.badRequest, "say how many recipients to refuse: ?percent=N with N from 1 to 100")
            }
            faults.setTempfail(percent: percent)
            return try AdminResponse.json(AdminActionResult(message: "answering 421 to \(percent)% of recipients"))
        }
        router.delete(RouterPath(AdminPath.smtpTempfail)) { _, _ in
            faults.setTempfail(percent: 0)
            return try AdminResponse.json(AdminActionResult(message: "smtp-tempfail cleared"))
        }
    }
}
