import MXGPAdminAPI
import Synchronization
import Foundation
import Logging
import MXGPCore
import MXGPTopology
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
@testable import MXGPNode

/// Graceful shutdown without real signals: `testGracefulShutdown` hands out a trigger that
/// does what SIGTERM does to `mxgp node`'s `ServiceGroup`. Real sessions on loopback.
@Suite(.serialized) struct GracefulShutdownTests {
    static let pair = """
        name: pair
        nodes:
          up: { role: upstream, operator: 100, region: US }
          colo: { role: colo, operator: 64500, region: US, domains: [c.example] }
        links:
          - { a: colo, b: up, price: 2 }
        """

    /// Runs `group` until it returns or `timeout` passes; returns false on timeout (and cancels it).
    static func run(_ group: ServiceGroup, untilReturnedWithin timeout: Duration, afterStart: @Sendable () async throws -> Void) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            try await afterStart()
            tasks.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let first = try await tasks.next() ?? false
            tasks.cancelAll()
            return first
        }
    }

    @Test func gracefulShutdownSendsCeaseAndRunReturns() async throws {
        let topology = try Topology.parse(yaml: Self.pair).topology
        let nodes = try await LoopbackNodes(topology)
        let up = nodes.services["up"]!
        let colo = nodes.services["colo"]!
        try await up.start()
        let c = DomainName("c.example")!
        // What up hears: lastError alone can be overwritten by up's reconnect attempts under load.
        let heard = Mutex<[NotificationMessage]>([])
        await up.observeMessages { inbound, message in
            if inbound, case .notification(let notification) = message { heard.withLock { $0.append(notification) } }
        }

        let returned = try await testGracefulShutdown { trigger in
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: colo)], logger: testLogger("colo")))
            return try await Self.run(group, untilReturnedWithin: .seconds(10)) {
                let learned = await nodes.waitUntil(timeout: .seconds(10)) { await up.lookup(c)?.nextHop == "colo" }
                #expect(learned, "up never learned colo's route")
                trigger.triggerGracefulShutdown()
            }
        }
        #expect(returned, "run() did not return within 10 s of the graceful shutdown")

        // The neighbour was told, and withdrew at once (no hold-timer wait).
        #expect(await nodes.waitUntil(timeout: .seconds(3)) { await up.lookup(c) == nil })
        let peer = await up.peers().first
        #expect(peer?.state != "Established")
        // NOTIFICATION cease/administrative shutdown (6/2) with the reason PeeringService.stop() gives.
        let notifications = heard.withLock { $0 }
        #expect(notifications.contains { $0.code == .cease && $0.subcode == 2 && $0.text.contains("node shutting down") }, "heard: \(notifications)")
        await up.stop()
    }

    @Test func aWholeNodeRuntimeShutsDownGracefully() async throws {
        // Peering, admin API and metrics refresher, as `mxgp node` runs them.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-graceful-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let topology = try Topology.parse(yaml: Self.pair).topology
        let nodes = try await LoopbackNodes(topology, only: ["up"])
        let up = nodes.services["up"]!
        try await up.start()
        let ports = try await freePorts(1, host: nodes.host)
        let socket = directory + "/colo.sock"
        let config = try NodeConfigParser.parse(yaml: """
            name: colo
            operator: 64500
            region: US
            role: colo
            domains: [c.example]
            listen: { mxgp: "\(nodes.host):\(ports[0])", smtp: "\(nodes.host):2525", admin: "\(socket)" }
            neighbours:
              - { name: up, operator: 100, address: "\(nodes.host):\(nodes.ports["up"]!)" }
            timers: { profile: lab }
            store: "\(directory)/store"
            """, file: "colo.yaml").config
        let logger = testLogger("colo")
        let peering = try PeeringService(settings: try PeeringSettings(config: config), logger: logger)
        let runtime = try NodeRuntime(config: config, peering: peering, logger: logger)
        let c = DomainName("c.example")!

        let returned = try await testGracefulShutdown { trigger in
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: runtime.services.map { .init(service: $0) }, logger: logger))
            return try await Self.run(group, untilReturnedWithin: .seconds(10)) {
                let ready = await nodes.waitUntil(timeout: .seconds(10)) {
                    guard await up.lookup(c) != nil else { return false }
                    return (try? await AdminClient(endpoint: .unixSocket(path: socket)).request("GET", "/v1/node"))?.status == 200
                }
                #expect(ready, "the node did not come up (route at up and admin API)")
                trigger.triggerGracefulShutdown()
            }
        }
        #expect(returned, "the node's services did not all return within 10 s")
        #expect(await nodes.waitUntil(timeout: .seconds(3)) { await up.lookup(c) == nil })
        // Why the session went down (lastError may already be a failed reconnect to the stopped node).
        let lastDown = await up.peers().first?.lastDown ?? "nil"
        #expect(lastDown.contains("cease") && lastDown.contains("node shutting down"), "lastDown: \(lastDown)")
        #expect(!FileManager.default.fileExists(atPath: socket), "the admin socket was left behind")
        await up.stop()
    }
}
