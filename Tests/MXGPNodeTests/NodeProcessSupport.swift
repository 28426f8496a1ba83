import Foundation
import MXGPAdminAPI
import MXGPBenchmarks
import MXGPCore
import MXGPProcess
import MXGPTestSupport
@testable import MXGPNode

#if canImport(Glibc)
import Glibc
#endif

/// A failure of the process-test harness, for people.
struct ProcessTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `mxgp` binary the process tests run: `$MXGP_BINARY`, else `<repo>/.build/debug/mxgp`.
func mxgpBinary() throws -> String { try TestBinary.mxgp() }

/// One neighbour line of a generated node config.
struct ProcNeighbour {
    var name: String
    /// Empty for a colo's provider (the default relationship).
    var relationship: String = ""
    /// True: no address, wait for the neighbour to connect.
    var passive = false
}

/// A generated node config (docs/NODE.md), listening on 127.0.0.1 with lab timers.
struct ProcNode {
    var name: String
    var operatorNumber: UInt32
    var role: String
    var domains: [String] = []
    var neighbours: [ProcNeighbour] = []
    /// YAML of the `policy` key's value, indented by four spaces, or nil.
    var policy: String?
    /// e.g. "200ms"; nil leaves fast liveness off.
    var fastLiveness: String?
}

/// `mxgp node` processes on loopback, each with its config, admin socket, store and log in
/// one temporary folder (`/tmp/mxgp-proctest-…`). `shutdown()` kills every process
/// (SIGKILL, reaped) and removes the folder; call it in a `defer`. Creating a lab first
/// removes what an earlier crashed run left behind (see `removeLeftovers`).
final class NodeProcessLab: @unchecked Sendable {
    static let prefix = "mxgp-proctest-"

    let binary: String
    let directory: String
    /// MXGP and SMTP ports per node name (distinct, free when allocated).
    let mxgpPorts: [String: Int]
    let smtpPorts: [String: Int]
    let operators: [String: UInt32]
    private(set) var specs: [String: ProcNode] = [:]
    private(set) var processes: [String: ChildProcess] = [:]
    private let lock = NSLock()

    init(_ nodes: [ProcNode]) async throws {
        binary = try mxgpBinary()
        Self.removeLeftovers()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.prefix)\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "\(getpid())\n".write(toFile: directory + "/owner", atomically: true, encoding: .utf8)
        let ports = try await freeLoopbackPorts(nodes.count * 2)
        let names = nodes.map(\.name)
        mxgpPorts = Dictionary(uniqueKeysWithValues: zip(names, ports.prefix(nodes.count)))
        smtpPorts = Dictionary(uniqueKeysWithValues: zip(names, ports.suffix(nodes.count)))
        operators = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.operatorNumber) })
        for node in nodes { specs[node.name] = node }
    }

    deinit { shutdown() }

    func configPath(_ name: String) -> String { "\(directory)/\(name).yaml" }
    func socketPath(_ name: String) -> String { "\(directory)/\(name).sock" }
    func logPath(_ name: String) -> String { "\(directory)/\(name).log" }
    func admin(_ name: String) -> AdminClient { AdminClient(endpoint: .unixSocket(path: socketPath(name)), timeout: .seconds(5)) }

    /// The config text of `node`.
    func yaml(_ node: ProcNode) -> String {
        var lines = [
            "name: \(node.name)",
            "operator: \(node.operatorNumber)",
            "region: US",
            "role: \(node.role)",
            "domains: [\(node.domains.joined(separator: ", "))]",
            "listen: { mxgp: \"127.0.0.1:\(mxgpPorts[node.name]!)\", smtp: \"127.0.0.1:\(smtpPorts[node.name]!)\", admin: \"\(socketPath(node.name))\" }",
            "neighbours:",
        ]
        for n in node.neighbours {
            var fields = ["name: \(n.name)", "operator: \(operators[n.name]!)"]
            if !n.relationship.isEmpty { fields.append("relationship: \(n.relationship)") }
            fields.append(n.passive ? "passive: true" : "address: \"127.0.0.1:\(mxgpPorts[n.name]!)\"")
            lines.append("  - { \(fields.joined(separator: ", ")) }")
        }
        if let policy = node.policy { lines += ["policy:", policy] }
        lines.append(node.fastLiveness.map { "timers: { profile: lab, fast-liveness: \($0) }" } ?? "timers: { profile: lab }")
        lines.append("store: \"\(directory)/\(node.name)-store\"")
        lines.append("log-level: info")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes (or rewrites, atomically: the node never reads half a file) the config of `node`.
    func writeConfig(_ node: ProcNode) throws {
        lock.withLock { specs[node.name] = node }
        try yaml(node).write(toFile: configPath(node.name), atomically: true, encoding: .utf8)
    }

    /// Writes the config and starts `mxgp node --config …` for `name`.
    @discardableResult
    func start(_ name: String) throws -> ChildProcess {
        guard let spec = lock.withLock({ specs[name] }) else { throw ProcessTestError("no node \(name) in this lab") }
        try writeConfig(spec)
        let child = try ChildProcess(executable: binary, arguments: ["node", "--config", configPath(name)], logPath: logPath(name))
        lock.withLock { processes[name] = child }
        // Recorded so that a later run can kill this child if the test process dies.
        let pidFile = directory + "/pids"
        if !FileManager.default.fileExists(atPath: pidFile) { _ = FileManager.default.createFile(atPath: pidFile, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: pidFile) {
            handle.seekToEndOfFile()
            handle.write(Data("\(child.pid)\n".utf8))
            try? handle.close()
        }
        return child
    }

    func startAll() throws { for name in lock.withLock({ Array(specs.keys).sorted() }) { try start(name) } }

    func process(_ name: String) -> ChildProcess? { lock.withLock { processes[name] } }

    /// Sends a signal to the node's process.
    func signal(_ name: String, _ signal: Int32) { process(name)?.send(signal) }

    /// Kills every process and removes the folder. Idempotent.
    func shutdown() {
        let all = lock.withLock { () -> [ChildProcess] in
            defer { processes = [:] }
            return Array(processes.values)
        }
        for child in all { child.kill() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Admin API

    /// Best routes of `name` (domain → route); nil when the node does not answer.
    func routes(_ name: String) async -> [String: AdminRoute]? {
        guard let response = try? await admin(name).request("GET", "/v1/routes"), response.status == 200 else { return nil }
        return (try? AdminJSON.decode(AdminRoutes.self, from: response.body))?.routes
    }

    func peers(_ name: String) async -> [PeerStatus]? {
        guard let response = try? await admin(name).request("GET", "/v1/peers"), response.status == 200 else { return nil }
        return (try? AdminJSON.decode(AdminPeers.self, from: response.body))?.peers
    }

    /// One neighbour's session as node `name` reports it (retried for up to 5 s if the node does not answer).
    func peer(_ name: String, _ neighbour: String) async -> PeerStatus? {
        var answer: [PeerStatus]?
        _ = await waitUntil(timeout: .seconds(5)) {
            answer = await peers(name)
            return answer != nil
        }
        return answer?.first { $0.name == neighbour }
    }

    /// Runs `mxgp ctl --socket … ARGS` and returns its standard output and exit status.
    func ctl(_ name: String, _ arguments: [String]) async throws -> (output: String, status: Int32) {
        let out = "\(directory)/ctl-\(UUID().uuidString.prefix(6)).out"
        let child = try ChildProcess(executable: binary, arguments: ["ctl", "--socket", socketPath(name)] + arguments, logPath: out)
        defer { child.kill() }
        guard await child.waitForExit(timeout: .seconds(15)) else { throw ProcessTestError("mxgp ctl \(arguments) did not finish in 15 s") }
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return (text, child.exitStatus ?? -1)
    }

    /// Polls every 50 ms until `condition` holds or `timeout` (at most 15 s) passes.
    func waitUntil(timeout: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + min(timeout, .seconds(15))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    /// Like `waitUntil`, returning the seconds it took (nil on timeout), measured from `start`.
    func secondsUntil(from start: ContinuousClock.Instant, timeout: Duration = .seconds(15), poll: Duration = .milliseconds(25), _ condition: () async -> Bool) async -> Double? {
        let deadline = start + min(timeout, .seconds(15))
        while ContinuousClock.now < deadline {
            if await condition() {
                let elapsed = ContinuousClock.now - start
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            try? await Task.sleep(for: poll)
        }
        return nil
    }

    /// Every node's log tail, for failure messages.
    func logs() -> String {
        lock.withLock { Array(specs.keys).sorted() }.map { name in
            let text = (try? String(contentsOfFile: logPath(name), encoding: .utf8)) ?? "(no log)"
            return "--- \(name) ---\n" + text.split(separator: "\n", omittingEmptySubsequences: false).suffix(25).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    // MARK: Leftovers

    /// Removes folders (and kills the `mxgp node` processes) that a process-test run left
    /// behind when it died. A folder whose owner process is still alive belongs to a run in
    /// progress and is left alone; a pid is killed only if its command line names the folder.
    static func removeLeftovers() {
        let tmp = FileManager.default.temporaryDirectory.path
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: tmp) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let folder = "\(tmp)/\(entry)"
            let owner = (try? String(contentsOfFile: folder + "/owner", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner == getpid() || FileManager.default.fileExists(atPath: "/proc/\(owner)") { continue }
            // A folder without its owner file yet may be one another test is just creating.
            if owner == nil, let made = (try? FileManager.default.attributesOfItem(atPath: folder))?[.modificationDate] as? Date,
               Date().timeIntervalSince(made) < 120 { continue }
            let pids = ((try? String(contentsOfFile: folder + "/pids", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
            for pid in pids {
                guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                      String(decoding: cmdline, as: UTF8.self).contains(folder) else { continue }
                kill(pid, SIGKILL)
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
