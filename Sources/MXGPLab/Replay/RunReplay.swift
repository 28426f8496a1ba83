import Foundation
import MXGPCore
import MXGPTopology

/// `mxgp sim --replay RUN-FOLDER`: a recorded run (`mxgp lab run` on any backend, or
/// `mxgp lab capture`) played again in the simulator: the folder's topology, its schedule of
/// sends, faults and heals at their recorded times, with its seed. What the lab saw and what
/// the simulator does are then compared message by message, and the route changes of a domain
/// can be traced, so a routing bug seen in a lab becomes a rootless, deterministic reproduction.
public struct RunReplay: Sendable {
    /// The run folder.
    public var folder: String
    public var topology: Topology
    public var schedule: RunSchedule
    /// What the recorded run's messages did (empty for a capture).
    public var recorded: [MessageRecord]
    /// Routes a capture recorded, by node and domain (empty for a scenario run).
    public var capturedRoutes: [String: [String: RouteKey]]

    /// Reads `schedule.json`, `topology.yaml` and `messages.json` (and `routes.json`, if any) of a run folder.
    public static func load(folder: String) throws -> RunReplay {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder + "/schedule.json") else {
            throw LabError("\(folder) is not a run folder: it has no schedule.json (run folders are written by mxgp lab run and mxgp lab capture)")
        }
        let decoder = JSONDecoder()
        let schedule: RunSchedule
        do { schedule = try decoder.decode(RunSchedule.self, from: try fm.contentsOfFile(folder + "/schedule.json")) } catch let error as LabError { throw error } catch {
            throw LabError("\(folder)/schedule.json: \(error)")
        }
        let topologyPath = folder + "/topology.yaml"
        guard fm.fileExists(atPath: topologyPath) else {
            throw LabError("\(folder) has no topology.yaml (folders from before replay existed lack it); run the scenario again to record one")
        }
        let topology: Topology
        do { topology = try TopologyParser.load(path: topologyPath).topology } catch { throw LabError(error.description) }
        let recorded = (try? decoder.decode([MessageRecord].self, from: try fm.contentsOfFile(folder + "/messages.json"))) ?? []
        let routes = (try? decoder.decode([String: [String: RouteKey]].self, from: try fm.contentsOfFile(folder + "/routes.json"))) ?? [:]
        return RunReplay(folder: folder, topology: topology, schedule: schedule, recorded: recorded, capturedRoutes: routes)
    }

    /// The recorded schedule as a scenario: sends, faults and heals at their times, as long as
    /// the recording ran, then the delivery check (when the recording has messages).
    public var scenario: Scenario {
        Scenario(schedule: schedule.schedule, seconds: schedule.seconds,
                 name: URL(fileURLWithPath: schedule.scenario).deletingPathExtension().lastPathComponent,
                 description: "replay of \(folder)", topologyPath: folder + "/topology.yaml", seed: schedule.seed,
                 check: recorded.isEmpty ? nil : .seconds(120))
    }

    /// Plays the run in the simulator, recording the route changes of `trace` (if given).
    public func run(trace: [DomainName] = []) async -> ReplayResult {
        let target = SimScenarioTarget(topology: topology, seed: schedule.seed, name: schedule.lab, watch: trace)
        let report = await ScenarioRunner(target: target, scenario: scenario).run()
        let (changes, log, routes) = await target.withSimulation { simulation in
            (simulation.routeLog.map { change in
                ReplayResult.RouteChange(
                    seconds: (change.time - simulation.startTime).inSeconds, node: change.node, domain: change.domain.text,
                    route: change.route.map { RouteKey(nextHop: $0.nextHop, path: $0.path) })
            }, simulation.eventLog,
             Dictionary(uniqueKeysWithValues: topology.nodes.map { node in
                 (node.name, Dictionary(simulation.bestRoutes(of: node.name).map { ($0.domain.text, RouteKey(nextHop: $0.nextHop, path: $0.path)) },
                                        uniquingKeysWith: { a, _ in a }))
             }))
        }
        return ReplayResult(report: report, recorded: recorded, routeChanges: changes, log: log, routes: routes, capturedRoutes: capturedRoutes)
    }
}

/// What a replay found.
public struct ReplayResult: Sendable {
    /// One route change of a traced domain at a node.
    public struct RouteChange: Sendable, Hashable, Codable {
        /// Seconds from the start of the replay.
        public var seconds: Double
        public var node: String
        public var domain: String
        /// The new best route; nil when the node lost it.
        public var route: RouteKey?
    }

    /// One message of the recording beside its replay.
    public struct MessagePair: Sendable, Hashable, Codable {
        public var send: String
        /// Position in its send, from 1.
        public var number: Int
        public var recordedId: String
        public var replayedId: String
        public var recordedHops: [String]
        public var replayedHops: [String]
        public var recordedCopies: Int
        public var replayedCopies: Int
        public var samePath: Bool { recordedHops == replayedHops }
    }

    /// The replay's own report (its steps, messages, lost and duplicated).
    public var report: ScenarioReport
    public var recorded: [MessageRecord]
    public var routeChanges: [RouteChange]
    /// The simulation's event log (sessions and mail).
    public var log: [String]
    /// Every node's routes at the end of the replay.
    public var routes: [String: [String: RouteKey]]
    /// Routes a capture recorded.
    public var capturedRoutes: [String: [String: RouteKey]]

    /// Recorded and replayed messages paired by send and position.
    public var pairs: [MessagePair] {
        var replayed: [String: [MessageRecord]] = [:]
        for message in report.messages { replayed[message.send, default: []].append(message) }
        var position: [String: Int] = [:]
        return recorded.compactMap { message in
            let i = position[message.send, default: 0]
            position[message.send] = i + 1
            guard let twin = replayed[message.send].flatMap({ i < $0.count ? $0[i] : nil }) else { return nil }
            return MessagePair(send: message.send, number: i + 1, recordedId: message.messageId, replayedId: twin.messageId,
                               recordedHops: message.hops, replayedHops: twin.hops, recordedCopies: message.copies, replayedCopies: twin.copies)
        }
    }

    /// Differences between captured and replayed routes, as lines (`node domain: lab has …, simulator has …`).
    public var routeDifferences: [String] {
        var lines: [String] = []
        for node in capturedRoutes.keys.sorted() {
            let lab = capturedRoutes[node] ?? [:], sim = routes[node] ?? [:]
            for domain in Set(lab.keys).union(sim.keys).sorted() where lab[domain] != sim[domain] {
                lines.append("\(node) \(domain): lab has \(lab[domain]?.description ?? "no route"), simulator has \(sim[domain]?.description ?? "no route")")
            }
        }
        return lines
    }
}
