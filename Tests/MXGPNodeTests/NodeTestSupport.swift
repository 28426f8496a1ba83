import Foundation
import Logging
import MXGPCore
import MXGPSim
import MXGPTopology
import NIOCore
import NIOPosix
@testable import MXGPNode

/// The Labs directory of this repository.
let labsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Labs")

func loadLab(_ name: String) throws -> Topology {
    try TopologyParser.load(path: labsDirectory.appendingPathComponent(name).path).topology
}

/// Free loopback TCP ports (bound once to port 0, then released).
func freePorts(_ count: Int) async throws -> [Int] {
    let group = MultiThreadedEventLoopGroup.singleton
    var channels: [Channel] = []
    for _ in 0..<count {
        channels.append(try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get())
    }
    let ports = channels.map { $0.localAddress!.port! }
    for channel in channels { try await channel.close().get() }
    return ports
}

/// A logger that prints only warnings and worse (set MXGP_TEST_LOG=debug for more).
func testLogger(_ name: String) -> Logger {
    var logger = Logger(label: "mxgp.test.\(name)")
    logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["MXGP_TEST_LOG"] ?? "critical") ?? .critical
    logger[metadataKey: "node"] = "\(name)"
    return logger
}

/// Every node of a topology as a real peering service on loopback.
final class LoopbackNodes: @unchecked Sendable {
    let topology: Topology
    let ports: [String: Int]
    var services: [String: PeeringService] = [:]

    init(_ topology: Topology, only: Set<String>? = nil, holdTime: UInt16 = 3, fastLiveness: UInt16? = nil, tls: ((String) throws -> PeeringTLS)? = nil) async throws {
        self.topology = topology
        let names = topology.nodes.map(\.name)
        let free = try await freePorts(names.count)
        ports = Dictionary(uniqueKeysWithValues: zip(names, free))
        for name in names where only?.contains(name) ?? true {
            let settings = PeeringSettings.forTopologyNode(
                name, in: topology, mxgpAddress: { [ports] in HostPort(host: "127.0.0.1", port: UInt16(ports[$0]!)) },
                smtpHostPort: "\(name):25", listen: HostPort(host: "127.0.0.1", port: UInt16(ports[name]!)),
                holdTime: holdTime, fastLivenessMilliseconds: fastLiveness, tls: try tls?(name))!
            services[name] = try PeeringService(settings: settings, logger: testLogger(name))
        }
    }

    func start() async throws {
        for name in topology.nodes.map(\.name) { try await services[name]?.start() }
    }

    func stop() async {
        for service in services.values { await service.stop() }
    }

    /// Routes of every running node in the simulation's comparable form.
    func routes() async -> [String: [RouteView]] {
        var result: [String: [RouteView]] = [:]
        for (name, service) in services { result[name] = await service.routes() }
        return result
    }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    func waitUntil(timeout: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}

/// What the simulation expects, as (node → domain → (next hop, path)).
func expectedRoutes(_ topology: Topology, failedLinks: Set<SimLink> = [], failedNodes: Set<String> = []) -> [String: [String: RouteKey]] {
    let result = Simulation(topology: topology, options: SimulationOptions(failedLinks: failedLinks, failedNodes: failedNodes)).run()
    var expected: [String: [String: RouteKey]] = [:]
    for (name, routes) in result.nodes where !failedNodes.contains(name) {
        expected[name] = Dictionary(uniqueKeysWithValues: routes.map { ($0.domain.text, RouteKey($0)) })
    }
    return expected
}

/// The parts of a route that must agree between the simulation and live nodes.
struct RouteKey: Hashable, CustomStringConvertible {
    var nextHop: String?
    var path: [OperatorNumber]
    var price: UInt32
    var localPref: UInt32
    var reason: BestPathReason

    init(_ view: RouteView) {
        nextHop = view.nextHop
        path = view.path
        price = view.price
        localPref = view.localPreference
        reason = view.reason
    }

    var description: String { "\(nextHop ?? "own") \(path) price \(price) lp \(localPref) \(reason.rawValue)" }
}

func liveRoutes(_ nodes: LoopbackNodes) async -> [String: [String: RouteKey]] {
    var live: [String: [String: RouteKey]] = [:]
    for (name, routes) in await nodes.routes() {
        live[name] = Dictionary(uniqueKeysWithValues: routes.map { ($0.domain.text, RouteKey($0)) })
    }
    return live
}
