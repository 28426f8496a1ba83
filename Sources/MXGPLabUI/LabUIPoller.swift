import Foundation
import MXGPAdminAPI
import MXGPLab
import ServiceLifecycle

/// Asks every node of the lab for its process state, sessions, queue and recent mail, every
/// `interval` (or at once after a fault from the page), and publishes the snapshot to the hub;
/// watches `lab.json` for the active faults meanwhile.
public struct LabUIPoller: Service {
    public var lab: Lab
    public var hub: LabUIHub
    public var interval: Duration
    let wake: WakeFlag

    init(lab: Lab, hub: LabUIHub, interval: Duration, wake: WakeFlag) {
        self.lab = lab
        self.hub = hub
        self.interval = interval
        self.wake = wake
    }

    /// How many recent deliveries each node is asked for.
    static let recentMail = 40

    /// Polls until cancelled or shut down gracefully; then ends the pages' streams.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
        await hub.finish()
    }

    func loop() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchFaults() }
            group.addTask { await self.pollNodes() }
            await group.waitForAll()
        }
    }

    /// Polls the nodes every `interval` (at once after an action from the page).
    func pollNodes() async {
        var tracker = MailTracker()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            await hub.publish(await poll(&tracker))
            while ContinuousClock.now - started < interval, !Task.isCancelled {
                if wake.take() { break }
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    /// Publishes the active faults whenever `lab.json` changes (checked every 25 ms), so a
    /// fault from `mxgp lab fault` or the page shows without waiting for a poll of the nodes.
    func watchFaults() async {
        let path = lab.directory.statePath(lab.name)
        var seen: Date? = .distantPast
        while !Task.isCancelled {
            let stamp = Self.modified(path)
            if stamp != seen {
                seen = stamp
                await hub.publishFaults(lab.reloaded().state.faults.map { LabUIFault($0, plan: lab.plan) })
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    /// When `lab.json` was last written (faults are recorded there).
    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// One look at every node (all at once) and its mail (the faults are ``watchFaults()``'s).
    func poll(_ tracker: inout MailTracker) async -> LabUISnapshot {
        let lab = self.lab
        var nodes: [String: LabUINode] = [:]
        var mailboxes: [String: [AdminMailboxMessage]] = [:]
        var queues: [String: [AdminQueueEntry]] = [:]
        await withTaskGroup(of: (String, LabUINode, [AdminMailboxMessage]?, [AdminQueueEntry]?).self) { group in
            for node in lab.plan.nodes {
                group.addTask { await Self.look(lab, node) }
            }
            for await (name, node, mail, queue) in group {
                nodes[name] = node
                if let mail { mailboxes[name] = mail }
                if let queue { queues[name] = queue }
            }
        }
        let now = Date()
        tracker.observe(mailboxes: mailboxes, queues: queues, now: now)
        return LabUISnapshot(nodes: nodes, messages: tracker.messages(now: now))
    }

    /// One node: its process, and when it runs, its sessions, queue and recent mail.
    static func look(_ lab: Lab, _ node: PlannedNode) async -> (String, LabUINode, [AdminMailboxMessage]?, [AdminQueueEntry]?) {
        let process = await lab.backend.state(lab.plan, node: node.name)
        var view = LabUINode(process: process.rawValue)
        guard process == .running else { return (node.name, view, nil, nil) }
        var mail: [AdminMailboxMessage]?
        var queue: [AdminQueueEntry]?
        do {
            view.sessions = Dictionary(try await lab.livePeers(node.name).map { ($0.name, $0.state.lowercased()) }, uniquingKeysWith: { $1 })
            queue = try await lab.queueEntries(node.name)
            view.queue = queue?.count
            if !node.config.domains.isEmpty { mail = try await lab.recentMail(node.name, limit: recentMail) }
        } catch {
            view.problem = "\(error)"
        }
        return (node.name, view, mail, queue)
    }
}
