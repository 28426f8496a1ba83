import Foundation
import Logging
import MXGPAdminAPI
import NIOConcurrencyHelpers
import Testing
@testable import MXGPLab
@testable import MXGPLabUI

/// The page's HTTP API on a real loopback listener, over a lab whose backend is fake: good
/// requests work, bad ones get a 4xx JSON error and the server keeps serving.
@Suite(.serialized) struct LabUIServerTests {
    /// Runs a server for `lab` on an ephemeral loopback port while `body` runs.
    static func withServer(_ lab: Lab, _ body: (AdminClient) async throws -> Void) async throws {
        let layout = try LabUILayout.parse(json: String(contentsOf: LabUIPureTests.golden.appendingPathComponent("quickstart.dot.json"), encoding: .utf8))
        let server = LabUIServer(lab: lab, layout: layout, interval: .milliseconds(100))
        let port = NIOLockedValueBox<Int?>(nil)
        var logger = Logger(label: "test")
        logger.logLevel = .critical  // cancelling the server at the end logs its child channels
        let application = server.application(listen: LabUIListen(host: "127.0.0.1", port: 0), logger: logger) { channel in
            port.withLockedValue { $0 = channel.localAddress?.port }
        }
        let task = Task { try await application.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(20)
        while port.withLockedValue({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let bound = try #require(port.withLockedValue { $0 })
        try await body(AdminClient(endpoint: .tcp(host: "127.0.0.1", port: bound), timeout: .seconds(20)))
    }

    static func error(_ response: AdminClient.Response) -> String {
        (try? AdminJSON.decode(AdminErrorBody.self, from: response.body).error) ?? "<no error body: \(response.body.prefix(100))>"
    }

    @Test func servesThePageAndTheLab() async throws {
        let (lab, _, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Self.withServer(lab) { client in
            let page = try await client.request("GET", "/")
            #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.body.contains("EventSource") && page.body.contains("<script id=\"lab-data\"") && page.body.contains(".node rect"))
            #expect(!page.body.contains("src=") && !page.body.contains("href="), "everything is inline: no further request, nothing from the network")
            // The inline data is the lab's JSON.
            let data = try #require(page.body.components(separatedBy: "<script id=\"lab-data\" type=\"application/json\">").last?.components(separatedBy: "</script>").first)
            #expect(try JSONDecoder().decode(LabUITopology.self, from: Data(data.utf8)).nodes.count == 7)
            let script = try await client.request("GET", "/app.js")
            #expect(script.status == 200 && script.body.contains("EventSource"))
            #expect(!script.body.contains("https://"), "assets must not load anything from the network")
            let labJSON = try await client.request("GET", "/api/lab")
            #expect(labJSON.status == 200)
            let topology = try JSONDecoder().decode(LabUITopology.self, from: Data(labJSON.body.utf8))
            #expect(topology.nodes.count == 7 && topology.links.count == 7 && topology.layout.nodes.count == 7)
            #expect(topology.links.contains { $0.from == "colo1" && $0.to == "up1" && $0.relationship == "transit" && $0.price == 3 })
            #expect(topology.links.contains { $0.relationship == "peer" })
            let detail = try await client.request("GET", "/api/nodes/colo1")
            #expect(detail.status == 200)
            let node = try JSONDecoder().decode(LabUINodeDetail.self, from: Data(detail.body.utf8))
            #expect(node.routes?["bob.example"]?.reason == "price" && node.problems.isEmpty)
        }
    }

    @Test func refusesBadInputWithJSONErrors() async throws {
        let (lab, backend, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Self.withServer(lab) { client in
            let cases: [(String, String, String?, Int, String)] = [
                ("GET", "/api/nodes/nope", nil, 404, "has no node \"nope\""),
                ("GET", "/api/nodes/%00%ff", nil, 404, "has no node"),
                ("GET", "/nothing/here", nil, 404, "no such page"),
                ("POST", "/api/faults", "{not json", 400, "not valid JSON"),
                ("POST", "/api/faults", "", 400, "empty"),
                ("POST", "/api/faults", #"{"fault": "cut colo1 nope"}"#, 400, "has no node \"nope\""),
                ("POST", "/api/faults", #"{"fault": "pause ghost"}"#, 400, "has no node \"ghost\""),
                ("POST", "/api/faults", #"{"fault": "cut colo1 colo2"}"#, 400, "are not linked"),
                ("POST", "/api/faults", #"{"fault": "melt colo1"}"#, 400, "unknown fault"),
                ("POST", "/api/faults", String(repeating: "x", count: 40_000), 413, "larger than"),
                ("POST", "/api/heal", #"{"fault": "cut colo1 up1"}"#, 400, "is not active"),
                ("POST", "/api/send", #"{"from": "ghost", "to": "bob@bob.example"}"#, 400, "has no node"),
                ("POST", "/api/send", #"{"from": "colo1", "to": "nobody"}"#, 400, "not a mail address"),
            ]
            for (method, path, body, status, says) in cases {
                let response = try await client.request(method, path, body: body)
                #expect(response.status == status, "\(method) \(path) \(body?.prefix(40) ?? ""): \(response.status) \(response.body.prefix(200))")
                #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
                #expect(Self.error(response).contains(says), "\(method) \(path): \(Self.error(response))")
            }
            // Nothing was run in the lab, and the server still answers.
            #expect(backend.commands.withLock { $0 }.isEmpty)
            #expect(try await client.request("GET", "/api/lab").status == 200)
        }
    }

    @Test func appliesAndHealsFaultsThroughLabFaults() async throws {
        let (lab, backend, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Self.withServer(lab) { client in
            let applied = try await client.request("POST", "/api/faults", body: #"{"fault": "cut colo1 up1"}"#)
            #expect(applied.status == 200, "\(applied.body)")
            // Recorded in lab.json, as `mxgp lab fault` records it (so `mxgp lab status` shows it).
            #expect(lab.reloaded().state.faults == [.cut(a: "colo1", b: "up1", from: nil)])
            #expect(backend.commands.withLock { $0 }.contains { $0.hasPrefix("colo1: iptables -w -A MXGP-") && $0.contains("mxgp fault: cut colo1 up1") })
            _ = try await client.request("POST", "/api/faults", body: #"{"fault": "pause up2"}"#)
            #expect(lab.reloaded().state.faults.count == 2)
            let healed = try await client.request("POST", "/api/heal", body: #"{"fault": "cut colo1 up1"}"#)
            #expect(healed.status == 200, "\(healed.body)")
            #expect(lab.reloaded().state.faults == [.pause(node: "up2")])
            #expect(try await client.request("POST", "/api/heal", body: "{}").status == 200)
            #expect(lab.reloaded().state.faults.isEmpty)
        }
    }

    /// Another site's page, a form post and a rebound name are refused (403) before anything
    /// touches the lab; the page's own requests go through.
    @Test func refusesCrossSiteRequests() async throws {
        let (lab, backend, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Self.withServer(lab) { client in
            guard case .tcp(_, let port) = client.endpoint else { Issue.record("not TCP"); return }
            let cut = #"{"fault": "cut colo1 up1"}"#
            let refused: [(String, String, String?, [(name: String, value: String)], String)] = [
                ("POST", "/api/faults", cut, [("Origin", "http://evil.example")], "from another site"),
                ("POST", "/api/faults", cut, [("Origin", "http://127.0.0.1:\(port + 1)")], "from another site"),
                ("POST", "/api/faults", cut, [("Content-Type", "text/plain")], "application/json"),
                ("POST", "/api/heal", nil, [], "application/json"),
                ("POST", "/api/send", #"{"from": "colo1", "to": "bob@bob.example"}"#, [("Content-Type", "application/x-www-form-urlencoded")], "application/json"),
                ("POST", "/api/faults", cut, [("Host", "evil.example:\(port)"), ("Origin", "http://evil.example:\(port)")], "DNS-rebinding"),
                ("GET", "/api/lab", nil, [("Host", "evil.example:\(port)")], "DNS-rebinding"),
                ("GET", "/", nil, [("Host", "127.example.com:\(port)")], "DNS-rebinding"),
            ]
            for (method, path, body, headers, says) in refused {
                let response = try await client.request(method, path, body: body, headers: headers)
                #expect(response.status == 403, "\(method) \(path) \(headers): \(response.status) \(response.body.prefix(200))")
                #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
                #expect(Self.error(response).contains(says), "\(method) \(path) \(headers): \(Self.error(response))")
            }
            #expect(backend.commands.withLock { $0 }.isEmpty, "a refused request must not touch the lab")
            #expect(lab.reloaded().state.faults.isEmpty)

            // The page's own request (same origin, JSON), under either loopback name.
            let applied = try await client.request("POST", "/api/faults", body: cut, headers: [("Origin", "http://127.0.0.1:\(port)")])
            #expect(applied.status == 200, "\(applied.body)")
            #expect(lab.reloaded().state.faults == [.cut(a: "colo1", b: "up1", from: nil)])
            let healed = try await client.request("POST", "/api/heal", body: "{}", headers: [("Host", "localhost:\(port)"), ("Origin", "http://localhost:\(port)")])
            #expect(healed.status == 200, "\(healed.body)")
            #expect(lab.reloaded().state.faults.isEmpty)
        }
    }
}
