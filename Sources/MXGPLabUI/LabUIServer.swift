import Foundation
import Hummingbird
import Logging
import MXGPLab
import NIOCore
import ServiceLifecycle

/// `mxgp lab ui`: serves one lab's live page. The page (HTML, CSS, script) is embedded
/// (``LabUIAssets``); the topology's layout comes from Graphviz once, at start; a
/// ``LabUIPoller`` polls the nodes and pushes changes to every page as server-sent events;
/// faults from the page go through ``LabFaults``, the code of `mxgp lab fault`.
///
/// | Method and path | Answer |
/// |---|---|
/// | `GET /` | the page, its style, script and the lab's data (as `/api/lab`) inline |
/// | `GET /app.js`, `/app.css` | the script and style alone |
/// | `GET /api/lab` | ``LabUITopology``: nodes, links, layout, the live snapshot |
/// | `GET /api/events` | server-sent events: `snapshot` once, then `delta` (``LabUIDelta``) |
/// | `GET /api/nodes/NAME` | ``LabUINodeDetail``: routes with alternates, next hops, queue, ledger; 404 for an unknown node |
/// | `POST /api/faults` | `{"fault": "cut colo1 up1"}`: applies it; 400 for a bad fault or unknown node |
/// | `POST /api/heal` | `{}` (or no body): heals everything; `{"fault": "..."}`: heals that fault only |
/// | `POST /api/send` | `{"from": "colo1", "to": "bob@bob.example", "count": 1}`: sends as `mxgp lab send` |
///
/// Every error is `{"error": "..."}` with a 4xx (bad input) or 5xx (the lab failed) status.
/// Every request passes ``LabUIRequestGuard`` first: a `Host` naming this server, and for a
/// POST `Content-Type: application/json` and no other site's `Origin` (403 otherwise).
public struct LabUIServer: Sendable {
    public var lab: Lab
    public var layout: LabUILayout
    public var hub: LabUIHub
    public var interval: Duration
    let wake = WakeFlag()
    let gate = FaultGate()

    public init(lab: Lab, layout: LabUILayout, interval: Duration = .milliseconds(300), hub: LabUIHub = LabUIHub()) {
        self.lab = lab
        self.layout = layout
        self.interval = interval
        self.hub = hub
    }

    /// The poller of this server (a `Service`).
    public var poller: LabUIPoller { LabUIPoller(lab: lab, hub: hub, interval: interval, wake: wake) }

    /// The application: the router and the poller as one service group. Requests must name
    /// `listen` (with the port bound) as their `Host` unless `allowRemote`.
    public func application(listen: LabUIListen, allowRemote: Bool = false, logger: Logger,
                            onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        let box = LabUIGuardBox(LabUIRequestGuard(listen: listen, allowRemote: allowRemote))
        return Application(
            router: router(box), configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), serverName: "mxgp-lab-ui"),
            services: [poller],
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { box.value.listen.port = port }
                await onServerRunning(channel)
            },
            logger: logger)
    }

    /// Every route of the page and its API, behind `requestGuard`.
    public func router(guard requestGuard: LabUIRequestGuard) -> Router<BasicRequestContext> {
        router(LabUIGuardBox(requestGuard))
    }

    func router(_ box: LabUIGuardBox) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: LabUIErrorMiddleware())
        router.add(middleware: LabUIGuardMiddleware(box: box))

        router.get("/app.js") { _, _ in Self.asset(LabUIAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in Self.asset(LabUIAssets.style, type: "text/css; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        let lab = self.lab, layout = self.layout, hub = self.hub, wake = self.wake, gate = self.gate
        router.get("/") { _, _ in
            let (snapshot, sequence) = await (hub.snapshot, hub.sequence)
            let data = try LabUIJSON.encode(LabUITopology(plan: lab.plan, backend: lab.state.backend.rawValue, layout: layout, snapshot: snapshot, sequence: sequence))
            return Self.asset(LabUIAssets.page(labJSON: String(decoding: data, as: UTF8.self)), type: "text/html; charset=utf-8")
        }
        router.get("/api/lab") { _, _ in
            let (snapshot, sequence) = await (hub.snapshot, hub.sequence)
            return try Self.json(LabUITopology(plan: lab.plan, backend: lab.state.backend.rawValue, layout: layout, snapshot: snapshot, sequence: sequence))
        }
        router.get("/api/events") { _, _ in Self.events(hub) }
        router.get("/api/nodes/:name") { _, context in
            let name = try context.parameters.require("name")
            return try Self.json(try await LabUINodeDetail.load(lab, node: name.removingPercentEncoding ?? name))
        }
        router.post("/api/faults") { request, _ in
            let fault = try LabUIRequests.fault(try await Self.body(request))
            let faults = LabFaults(lab: lab)
            do { try faults.validate(fault) } catch let error as LabError { throw LabUIError(400, error.description) }
            _ = try await gate.run { try await faults.apply(fault) }
            wake.raise()
            return try Self.json(["ok": "true", "message": fault.persists ? "applied: \(fault.description)" : "done: \(fault.description)"])
        }
        router.post("/api/heal") { request, _ in
            let fault = try LabUIRequests.heal(try await Self.body(request))
            let healed = try await gate.run { try await Self.heal(lab, fault) }
            wake.raise()
            return try Self.json(["ok": "true", "message": healed.isEmpty ? "nothing to heal" : "healed: " + healed.map(\.description).joined(separator: ", ")])
        }
        router.post("/api/send") { request, _ in
            let send = try LabUIRequests.send(try await Self.body(request))
            guard lab.plan.node(send.from) != nil else {
                throw LabUIError(400, "lab \(lab.name) has no node \(send.from.debugDescription); its nodes: \(lab.plan.nodes.map(\.name).joined(separator: ", "))")
            }
            let result = try await lab.send(from: send.from, to: send.to, count: send.count, subject: "mxgp lab ui")
            wake.raise()
            guard result.succeeded else { throw LabUIError(502, "\(send.from) did not take the mail: \(result.message)") }
            return try Self.json(["ok": "true", "message": "sent \(send.count) from \(send.from) to \(send.to)"])
        }
        return router
    }

    /// Heals one fault (heal everything, then apply the others again, all through
    /// ``LabFaults``), or every fault when `fault` is nil. Returns what was healed.
    static func heal(_ lab: Lab, _ fault: LabFault?) async throws -> [LabFault] {
        let active = lab.reloaded().state.faults
        guard let fault else { return try await LabFaults(lab: lab).healAll().healed }
        guard active.contains(fault) else {
            throw LabUIError(400, "\(fault.description) is not active; active faults: " + (active.isEmpty ? "none" : active.map(\.description).joined(separator: ", ")))
        }
        let (healedLab, _) = try await LabFaults(lab: lab).healAll()
        var current = healedLab
        for other in active where other != fault { current = try await LabFaults(lab: current).apply(other) }
        return [fault]
    }

    // MARK: - Responses

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try LabUIJSON.encode(value))))
    }

    static func body(_ request: Request) async throws -> Data {
        var request = request
        do {
            return Data(try await request.collectBody(upTo: LabUIRequests.maxBody).readableBytesView)
        } catch {
            throw LabUIError(413, "the body is larger than \(LabUIRequests.maxBody) bytes")
        }
    }

    /// The event stream: the snapshot, then each delta; a comment every 15 s keeps proxies
    /// (and the check for a closed page) going.
    static func events(_ hub: LabUIHub) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let (id, events) = await hub.subscribe()
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(15))
                    await hub.ping(id)
                }
            }
            defer { heartbeat.cancel() }
            do {
                try await withGracefulShutdownHandler {
                    for await event in events {
                        try await writer.write(ByteBuffer(string: try LabUIJSON.event(event)))
                    }
                } onGracefulShutdown: {
                    Task { await hub.unsubscribe(id) }
                }
            } catch {
                await hub.unsubscribe(id)
                throw error
            }
            await hub.unsubscribe(id)
            try await writer.finish(nil)
        })
    }
}

/// Runs fault changes one at a time (two clicks must not race on `lab.json`).
actor FaultGate {
    private var last: Task<Void, Never>?

    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = last
        let task = Task { () async throws -> T in
            await previous?.value
            return try await body()
        }
        last = Task { _ = try? await task.value }
        return try await task.value
    }
}

/// The JSON and event text of the page's API.
enum LabUIJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// One server-sent event: `id`, `event` and one `data` line.
    static func event(_ event: LabUIHub.Event) throws -> String {
        switch event {
        case .snapshot(let snapshot, let sequence):
            struct Body: Encodable { var sequence: Int; var snapshot: LabUISnapshot }
            return "id: \(sequence)\nevent: snapshot\ndata: \(String(decoding: try encode(Body(sequence: sequence, snapshot: snapshot)), as: UTF8.self))\n\n"
        case .delta(let delta):
            return "id: \(delta.sequence)\nevent: delta\ndata: \(String(decoding: try encode(delta), as: UTF8.self))\n\n"
        case .ping:
            return ": ping\n\n"
        }
    }
}

/// Turns every error into `{"error": "..."}`: ``LabUIError`` keeps its status, Hummingbird's
/// `HTTPError` its own (404 for unknown paths), a lab error is a 500 with its text.
struct LabUIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as LabUIError {
            return try LabUIServer.json(["error": error.message], status: HTTPResponse.Status(code: error.status))
        } catch let error as HTTPError {
            let message = error.status == .notFound
                ? "no such page or endpoint: \(request.method) \(request.uri.path); the API serves /api/lab, /api/events, /api/nodes/NAME, /api/faults, /api/heal and /api/send"
                : error.body ?? error.status.reasonPhrase
            return try LabUIServer.json(["error": message], status: error.status)
        } catch {
            return try LabUIServer.json(["error": "\(error)"], status: .internalServerError)
        }
    }
}

extension LabUIServer {
    /// Lays `lab` out, then serves its page on `listen` until SIGINT or SIGTERM. `announce`
    /// hears the page's address once it listens.
    public static func serve(lab: Lab, listen: LabUIListen, allowRemote: Bool = false, interval: Duration = .milliseconds(300),
                             announce: @escaping @Sendable (String) -> Void) async throws {
        let layout = try await LabUILayout.compute(lab.plan.topology)
        var logger = Logger(label: "mxgp-lab-ui")
        logger.logLevel = .warning
        let server = LabUIServer(lab: lab, layout: layout, interval: interval)
        let application = server.application(listen: listen, allowRemote: allowRemote, logger: logger) { channel in
            let port = channel.localAddress?.port ?? listen.port
            announce("http://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(port)/")
        }
        try await application.runService()
    }
}
