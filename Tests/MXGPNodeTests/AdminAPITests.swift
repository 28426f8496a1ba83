import Foundation
import Logging
import MXGPAdminAPI
import MXGPCore
import MXGPSim
import MXGPStore
import MXGPTopology
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing
@testable import MXGPNode

/// A node that answers from fixed data: colo1's routes from converging Labs/quickstart.yaml.
final class FakeNode: NodeStatusProvider {
    let routeViews: [RouteView]
    let resets = Recorder()

    init(routes: [RouteView]) { self.routeViews = routes }

    func info() async -> NodeInfo {
        NodeInfo(name: "colo1", operatorNumber: 64501, role: .colo, region: Region("US")!, ownDomains: [DomainName("alice.example")!], version: "0.1.0")
    }

    func peers() async -> [PeerStatus] {
        [
            PeerStatus(name: "up1", operatorNumber: 100, address: "127.0.0.1:1790", relationship: .provider, state: "Established",
                       uptimeSeconds: 754, messagesIn: 12, messagesOut: 9, updatesIn: 4, updatesOut: 2, routesReceived: 2, routesAccepted: 2),
            PeerStatus(name: "up2", operatorNumber: 200, address: "127.0.0.1:1791", relationship: .provider, state: "Active",
                       lastError: "connect to 127.0.0.1:1791: connection refused"),
        ]
    }

    func routes() async -> [RouteView] { routeViews }

    func lookup(_ domain: DomainName) async -> RouteView? {
        for suffix in domain.suffixes {
            if let route = routeViews.first(where: { $0.domain == suffix }) { return route }
        }
        return nil
    }

    func resetSession(neighbour: String) async throws { await resets.add(neighbour) }

    func reload() async throws { throw FakeError.badConfig }

    enum FakeError: Error, CustomStringConvertible {
        case badConfig
        var description: String { "line 3: unknown key \"pric\"" }
    }

    actor Recorder {
        var names: [String] = []
        func add(_ name: String) { names.append(name) }
    }
}

@Suite struct AdminAPITests {
    static let quickstart = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Labs/quickstart.yaml").path

    static func colo1Routes() throws -> [RouteView] {
        let topology = try TopologyParser.load(path: quickstart).topology
        let result = Simulation(topology: topology).run()
        return try #require(result.routes(of: "colo1"))
    }

    /// Runs the API on `listener` for the duration of `body`, which gets a client.
    static func withServer(
        _ node: any NodeStatusProvider, metrics: NodeMetrics = NodeMetrics(), listener: AdminServer.Listener? = nil, faults: SMTPFaultSwitch? = nil,
        complaints: ComplaintDesk? = nil, nextHops: (any NextHopHealthProvider)? = nil, _ body: @Sendable (AdminClient) async throws -> Void
    ) async throws {
        let directory = "/tmp/mxgp-admin-test-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let listener = listener ?? .unixSocket(path: directory + "/run/node.sock")
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int?.self)
        var logger = Logger(label: "admin-test")
        logger.logLevel = .warning
        let app = try AdminServer.makeApplication(
            provider: node, metrics: metrics, address: listener, logger: logger, faults: faults, complaints: complaints, nextHops: nextHops
        ) { channel in
            readyContinuation.yield(channel.localAddress?.port)
        }
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { readyContinuation.finish() }
                try await services.run()
            }
            var iterator = ready.makeAsyncIterator()
            let port = await iterator.next() ?? nil
            do {
                let endpoint: AdminClient.Endpoint
                switch listener {
                case .unixSocket(let path): endpoint = .unixSocket(path: path)
                case .tcp(let host, _): endpoint = .tcp(host: host, port: try #require(port))
                }
                try await body(AdminClient(endpoint: endpoint))
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            // Graceful shutdown: the listener closes, then the server drains.
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static func object(_ response: AdminClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    }

    @Test func nodeAndPeers() async throws {
        try await Self.withServer(FakeNode(routes: [])) { client in
            let node = try await client.request("GET", "/v1/node")
            #expect(node.status == 200)
            #expect(node.headers["content-type"]?.hasPrefix("application/json") == true)
            let info = try JSONDecoder().decode(NodeInfo.self, from: Data(node.body.utf8))
            #expect(info.name == "colo1" && info.operatorNumber == 64501 && info.role == .colo)

            let peers = try await client.request("GET", "/v1/peers")
            #expect(peers.status == 200)
            let list = try #require(try Self.object(peers)["peers"] as? [[String: Any]])
            #expect(list.count == 2)
            #expect(list[0]["name"] as? String == "up1")
            #expect(list[0]["uptimeSeconds"] as? Double == 754)
            #expect(list[0]["lastError"] is NSNull)  // explicit nulls for scripts
            #expect(list[1]["uptimeSeconds"] is NSNull)
            #expect(list[1]["lastError"] as? String == "connect to 127.0.0.1:1791: connection refused")
            #expect(try AdminJSON.decode(AdminPeers.self, from: peers.body).peers == (await FakeNode(routes: []).peers()))
        }
    }

    @Test func routesHaveTheDesignShapeWithAlternates() async throws {
        let routes = try Self.colo1Routes()
        try await Self.withServer(FakeNode(routes: routes)) { client in
            let response = try await client.request("GET", "/v1/routes")
            #expect(response.status == 200)
            let object = try Self.object(response)
            #expect(Set(object.keys) == ["routes"])
            let table = try #require(object["routes"] as? [String: [String: Any]])
            #expect(Set(table.keys) == Set(routes.map(\.domain.text)))
            let own = try #require(table["alice.example"])
            #expect(own["nextHop"] is NSNull)
            #expect((own["path"] as? [Any])?.isEmpty == true)
            let bob = try #require(table["bob.example"])
            #expect(Set(bob.keys) == ["nextHop", "path", "price", "localPref", "reason", "alternates"])
            #expect(bob["nextHop"] as? String == "up1")
            #expect(bob["reason"] as? String == "price")
            let alternates = try #require(bob["alternates"] as? [[String: Any]])
            #expect(alternates.first?["nextHop"] as? String == "up2")
            #expect(Set(alternates[0].keys) == ["nextHop", "path", "price", "localPref", "reason"])
            // Sorted keys: the body is byte-for-byte what AdminJSON renders.
            #expect(response.body == (try AdminJSON.encode(AdminRoutes(routes: Dictionary(uniqueKeysWithValues: routes.map { ($0.domain.text, AdminRoute($0)) })))))
        }
    }

    @Test func lookupBySuffix() async throws {
        try await Self.withServer(FakeNode(routes: try Self.colo1Routes())) { client in
            let hit = try await client.request("GET", "/v1/routes/Mail.Bob.Example")
            #expect(hit.status == 200)
            let lookup = try AdminJSON.decode(AdminLookup.self, from: hit.body)
            #expect(lookup.domain == "mail.bob.example")
            #expect(lookup.matched == "bob.example")
            #expect(lookup.route.nextHop == "up1")
            #expect(lookup.route.alternates?.first?.nextHop == "up2")

            let miss = try await client.request("GET", "/v1/routes/nowhere.invalid")
            #expect(miss.status == 404)
            #expect(try AdminJSON.decode(AdminErrorBody.self, from: miss.body).error.contains("no route for nowhere.invalid"))

            let bad = try await client.request("GET", "/v1/routes/bad%20name")
            #expect(bad.status == 400)
            #expect(try AdminJSON.decode(AdminErrorBody.self, from: bad.body).error.contains("not a domain name"))
        }
    }

    @Test func dataPlaneEndpointsSayTheyAreNotThereYet() async throws {
        try await Self.withServer(FakeNode(routes: [])) { client in
            let queue = try await client.request("GET", "/v1/queue")
            #expect(queue.status == 200)
            let q = try Self.object(queue)
            #expect(q["available"] as? Bool == false)
            #expect(q["reason"] as? String == "the mail data plane has not landed yet")
            #expect((q["queue"] as? [Any])?.isEmpty == true)

            let mailbox = try await client.request("GET", "/v1/mailbox/bob%40bob.example")
            #expect(mailbox.status == 200)
            let m = try Self.object(mailbox)
            #expect(m["address"] as? String == "bob@bob.example")
            #expect(m["available"] as? Bool == false)
            #expect((m["messages"] as? [Any])?.isEmpty == true)

            let recent = try await client.request("GET", "/v1/mailbox?limit=5")
            #expect(recent.status == 200)
            #expect(try Self.object(recent)["address"] as? String == "*")
            for bad in ["0", "1001", "many"] {
                let refused = try await client.request("GET", "/v1/mailbox?limit=\(bad)")
                #expect(refused.status == 400, "limit=\(bad)")
                #expect(try AdminJSON.decode(AdminErrorBody.self, from: refused.body).error.contains("limit must be"))
            }

            let ledger = try await client.request("GET", "/v1/ledger")
            #expect(ledger.status == 200)
            let l = try Self.object(ledger)
            #expect(l["available"] as? Bool == false)
            #expect((l["ledger"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func actions() async throws {
        let node = FakeNode(routes: [])
        try await Self.withServer(node) { client in
            let reset = try await client.request("POST", "/v1/peers/up1/reset")
            #expect(reset.status == 200)
            #expect(try AdminJSON.decode(AdminActionResult.self, from: reset.body).ok)
            #expect(await node.resets.names == ["up1"])

            let unknown = try await client.request("POST", "/v1/peers/nobody/reset")
            #expect(unknown.status == 404)
            #expect(try AdminJSON.decode(AdminErrorBody.self, from: unknown.body).error.contains("no neighbour named \"nobody\""))

            let reload = try await client.request("POST", "/v1/reload")
            #expect(reload.status == 500)
            #expect(try AdminJSON.decode(AdminErrorBody.self, from: reload.body).error.contains("unknown key \"pric\""))
        }
    }

    /// The lab's smtp-tempfail fault: set, read, refused when out of range, cleared.
    @Test func smtpTempfailFault() async throws {
        let faults = SMTPFaultSwitch()
        try await Self.withServer(FakeNode(routes: []), faults: faults) { client in
            let set = try await client.request("POST", "/v1/faults/smtp-tempfail?percent=40")
            #expect(set.status == 200)
            #expect(faults.tempfailPercent == 40)
            let shown = try await client.request("GET", "/v1/faults")
            #expect(try AdminJSON.decode(AdminFaults.self, from: shown.body).smtpTempfailPercent == 40)
            for bad in ["", "?percent=0", "?percent=101", "?percent=many"] {
                let refused = try await client.request("POST", "/v1/faults/smtp-tempfail" + bad)
                #expect(refused.status == 400)
            }
            let cleared = try await client.request("DELETE", "/v1/faults/smtp-tempfail")
            #expect(cleared.status == 200)
            #expect(faults.tempfailPercent == 0)
        }
        faults.setTempfail(percent: 100)
        #expect(faults.tempfailReply(node: "up1")?.code == 421)
        faults.setTempfail(percent: 0)
        #expect(faults.tempfailReply(node: "up1") == nil)
    }

    @Test func complaintsNeedAMessageInALocalMailbox() async throws {
        let directory = "/tmp/mxgp-admin-complaints-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let topology = try Topology.parse(yaml: pairTopologyYAML).topology
        let settings = PeeringSettings.forTopologyNode("colo", in: topology, mxgpAddress: { _ in HostPort(host: "127.0.0.1", port: 1) }, smtpEndpoint: "colo:25", listen: nil)!
        let peering = try PeeringService(settings: settings, logger: testLogger("colo"))
        let store = try NodeStore(directoryPath: directory)
        let mail = MailSettings(nodeName: "colo", operatorNumber: 64500, ownDomains: [], localNetworks: [], listen: nil, storeDirectory: directory)
        let desk = ComplaintDesk(settings: mail, peering: peering, store: store, metrics: nil, logger: testLogger("colo"))
        try await Self.withServer(FakeNode(routes: []), complaints: desk) { client in
            let missing = try await client.request("POST", "/v1/complaints")
            #expect(missing.status == 400)
            #expect(try Self.object(missing)["error"] as? String ?? "" != "")
            let unknown = try await client.request("POST", "/v1/complaints?messageId=nope%40example")
            #expect(unknown.status == 404)
            #expect((try Self.object(unknown)["error"] as? String)?.contains("<nope@example>") == true)
        }
        try await store.closeWhenIdle()
    }

    @Test func unknownPathsAnswer404JSON() async throws {
        try await Self.withServer(FakeNode(routes: [])) { client in
            for (method, path) in [("GET", "/v2/anything"), ("GET", "/"), ("DELETE", "/v1/peers"), ("GET", "/v1/reload")] {
                let response = try await client.request(method, path)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(try AdminJSON.decode(AdminErrorBody.self, from: response.body).error.contains("no such endpoint"))
            }
        }
    }

    @Test func metrics() async throws {
        let metrics = NodeMetrics()
        metrics.sessionStates(["Established": 1, "Active": 1])
        metrics.routes(3)
        metrics.updateIn()
        metrics.updateIn()
        metrics.updateOut()
        metrics.messageIn(type: "UPDATE")
        metrics.messageOut(type: "KEEPALIVE")
        metrics.decisionRuns(total: 7)
        metrics.decisionRuns(total: 5)  // a smaller running total is ignored
        try await Self.withServer(FakeNode(routes: []), metrics: metrics) { client in
            let response = try await client.request("GET", "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain") == true)
            let text = response.body
            for line in [
                #"mxgp_sessions{state="Established"} 1.0"#, #"mxgp_sessions{state="Active"} 1.0"#, #"mxgp_sessions{state="Idle"} 0.0"#,
                "mxgp_routes 3.0", "mxgp_updates_in_total 2", "mxgp_updates_out_total 1", "mxgp_decision_runs_total 7",
                #"mxgp_messages_in_total{type="UPDATE"} 1"#, #"mxgp_messages_out_total{type="KEEPALIVE"} 1"#,
                "mxgp_queue_depth 0.0", "mxgp_failovers_total 0", #"mxgp_deliveries_total{result="delivered"} 0"#,
            ] {
                #expect(text.contains(line + "\n"), "missing \(line)")
            }
            #expect(text.contains("# HELP mxgp_routes "))
            #expect(text.contains("# TYPE mxgp_updates_in_total counter"))
        }
    }

    /// Gauges copied from the node's state are read when `/metrics` is scraped, not on a
    /// timer: each scrape runs the hooks first, and render() alone does not.
    @Test func gaugesAreRefreshedOnScrape() async throws {
        let metrics = NodeMetrics()
        let scrapes = NIOLockedValueBox(0)
        metrics.beforeScrape {
            let count = scrapes.withLockedValue { $0 += 1; return $0 }
            metrics.routes(10 * count)
        }
        #expect(metrics.render().contains("mxgp_routes 0.0\n"))
        #expect(scrapes.withLockedValue { $0 } == 0)
        try await Self.withServer(FakeNode(routes: []), metrics: metrics) { client in
            let first = try await client.request("GET", "/metrics").body
            let second = try await client.request("GET", "/metrics").body
            #expect(first.contains("mxgp_routes 10.0\n"))
            #expect(second.contains("mxgp_routes 20.0\n"))
        }
        #expect(scrapes.withLockedValue { $0 } == 2)
    }

    /// Every answer carries `Server: mxgp-admin` and a `Date` in IMF-fixdate (RFC 9110 §5.6.7),
    /// formatted per response (the server has no once-a-second date cache).
    @Test func answersCarryDateAndServer() async throws {
        try await Self.withServer(FakeNode(routes: [])) { client in
            let response = try await client.request("GET", "/v1/node")
            #expect(response.headers["server"] == "mxgp-admin")
            let date = try #require(response.headers["date"])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let parsed = try #require(formatter.date(from: date), "\(date)")
            #expect(abs(parsed.timeIntervalSinceNow) < 60)
        }
    }

    @Test(arguments: [
        (0.0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777.0, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110's example
        (1_709_251_199.9, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (1_796_256_000.0, "Thu, 03 Dec 2026 00:00:00 GMT"),
    ])
    func httpDates(seconds: Double, text: String) {
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func twoNodesKeepTheirOwnMetrics() {
        let a = NodeMetrics()
        let b = NodeMetrics()
        a.routes(5)
        b.routes(9)
        #expect(a.render().contains("mxgp_routes 5.0\n"))
        #expect(b.render().contains("mxgp_routes 9.0\n"))
    }

    @Test func loopbackTCP() async throws {
        try await Self.withServer(FakeNode(routes: []), listener: .tcp(host: "127.0.0.1", port: 0)) { client in
            let response = try await client.request("GET", "/v1/node")
            #expect(response.status == 200)
        }
    }

    @Test func staleSocketIsReplacedAndOtherFilesAreNot() async throws {
        let directory = "/tmp/mxgp-admin-test-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a/b/node.sock"
        // Twice on the same path: the second run replaces the socket file the first left.
        for _ in 0..<2 {
            try await Self.withServer(FakeNode(routes: []), listener: .unixSocket(path: path)) { client in
                let response = try await client.request("GET", "/v1/node")
                #expect(response.status == 200)
            }
        }
        let file = directory + "/plain"
        _ = FileManager.default.createFile(atPath: file, contents: Data("keep me".utf8))
        #expect(throws: AdminError.self) { try AdminServer.prepareSocket(path: file) }
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test func unreachableNodeIsAClearError() async throws {
        let client = AdminClient(endpoint: .unixSocket(path: "/tmp/mxgp-admin-test-missing/node.sock"))
        await #expect {
            _ = try await client.request("GET", "/v1/peers")
        } throws: { error in
            guard case .unreachable(_, let reason) = error as? AdminClient.Failure else { return false }
            return reason == "no socket file"
        }
    }

    /// Runs `body` against a loopback server that answers every request with `raw` bytes, then closes.
    static func withRawServer(_ raw: String, _ body: (AdminClient.Endpoint) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawAnswer(raw: raw))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(.tcp(host: "127.0.0.1", port: server.localAddress!.port!))
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    @Test func chunkedBodies() async throws {
        let raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n: 1\r\n1\r\n}\r\n0\r\n\r\n"
        try await Self.withRawServer(raw) { endpoint in
            let response = try await AdminClient(endpoint: endpoint).request("GET", "/v1/node")
            #expect(response.status == 200)
            #expect(response.body == "{\"a\": 1}")
        }
    }

    @Test func oversizedAnswersAreRefused() async throws {
        let raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + String(repeating: "x", count: 100)
        try await Self.withRawServer(raw) { endpoint in
            await #expect {
                _ = try await AdminClient(endpoint: endpoint, maxResponseBytes: 50).request("GET", "/v1/routes")
            } throws: { error in
                guard case .tooLarge(_, let limit) = error as? AdminClient.Failure else { return false }
                return limit == 50
            }
            let whole = try await AdminClient(endpoint: endpoint, maxResponseBytes: 100).request("GET", "/v1/routes")
            #expect(whole.body.count == 100)
        }
    }

    @Test func notHTTPIsMalformed() async throws {
        try await Self.withRawServer("SSH-2.0-OpenSSH\r\n") { endpoint in
            await #expect {
                _ = try await AdminClient(endpoint: endpoint).request("GET", "/v1/node")
            } throws: { error in
                guard case .malformed = error as? AdminClient.Failure else { return false }
                return true
            }
        }
    }
}

/// Writes fixed bytes when a request arrives, then closes.
private final class RawAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let raw: String
    init(raw: String) { self.raw = raw }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(NIOAny(ByteBuffer(string: raw)), promise: nil)
        context.close(promise: nil)
    }
}
