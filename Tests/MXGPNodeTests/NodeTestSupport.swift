import Foundation
import Logging
import MXGPBenchmarks
import MXGPCore
import MXGPProcess
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

/// Hands every test its own loopback address (127.0.1.1, 127.0.1.2, …), so tests running
/// in parallel never race for the same port.
enum LoopbackHosts {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var next = 0

    static func unique() -> String {
        lock.withLock {
            next += 1
            return "127.0.\(1 + next / 250).\(1 + next % 250)"
        }
    }
}

/// Free TCP ports on `host` (``freeLoopbackPorts(_:host:)``: below the ephemeral range,
/// never handed out twice in one run).
func freePorts(_ count: Int, host: String = "127.0.0.1") async throws -> [Int] {
    try await freeLoopbackPorts(count, host: host)
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
    /// The loopback address every node of this test listens on.
    let host = LoopbackHosts.unique()
    private(set) var ports: [String: Int] = [:]
    var services: [String: PeeringService] = [:]
    private let build: (LoopbackNodes) async throws -> Void

    init(_ topology: Topology, only: Set<String>? = nil, holdTime: UInt16 = 3, fastLiveness: UInt16? = nil, tls: ((String) throws -> PeeringTLS)? = nil) async throws {
        self.topology = topology
        build = { nodes in
            let names = topology.nodes.map(\.name)
            let free = try await freePorts(names.count, host: nodes.host)
            let ports = Dictionary(uniqueKeysWithValues: zip(names, free))
            let host = nodes.host
            nodes.ports = ports
            nodes.services = [:]
            for name in names where only?.contains(name) ?? true {
                let settings = PeeringSettings.forTopologyNode(
                    name, in: topology, mxgpAddress: { HostPort(host: host, port: UInt16(ports[$0]!)) },
                    smtpEndpoint: "\(name):25", listen: HostPort(host: host, port: UInt16(ports[name]!)),
                    holdTime: holdTime, fastLivenessMilliseconds: fastLiveness, tls: try tls?(name))!
                nodes.services[name] = try PeeringService(settings: settings, logger: testLogger(name))
            }
        }
        try await build(self)
    }

    /// Starts every node. A port taken between allocation and bind (another process on the
    /// machine) gets a fresh set of ports and another try.
    func start() async throws {
        for attempt in 1...3 {
            do {
                for name in topology.nodes.map(\.name) { try await services[name]?.start() }
                return
            } catch let error as IOError where error.errnoCode == EADDRINUSE && attempt < 3 {
                await stop()
                try await build(self)
            }
        }
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
        await Self.poll(timeout: timeout, condition)
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

/// Runs a real client tool (python3, swaks) to the end, bounded by `timeout`; returns its
/// exit status and its output (standard output, then standard error).
func runTool(_ path: String, _ arguments: [String], timeout: Duration = .seconds(20)) async throws -> (status: Int32, output: String) {
    let result = await Spawner.run([path] + arguments, timeout: timeout)
    return (result.status, result.stdout + result.stderr)
}

/// Two nodes: an upstream and its colo customer with c.example.
let pairTopologyYAML = """
    name: pair
    nodes:
      up: { role: upstream, operator: 100, region: US }
      colo: { role: colo, operator: 64500, region: US, domains: [c.example] }
    links:
      - { a: colo, b: up }
    """
