import Foundation
import MXGPAdminAPI
import MXGPLab
import ServiceLifecycle

/// Asks every node of the lab for its process state, sessions, queue and recent mail, every
/// `interval` (or at once after a fault from the page), and publishes the snapshot to the hub.
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
        var tracker = MailTracker()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let snapshot = await poll(&tracker)
            await hub.publish(snapshot)
            // Sleep the rest of the interval in slices, so a fault from the page is seen at once.
            while ContinuousClock.now - started < interval, !Task.isCancelled {
                if wake.take() { break }
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    /// One look at every node (all at once), the lab's faults and its mail.
    func poll(_ tracker: inout MailTracker) async -> LabUISnapshot {
        let current = lab.reloaded()
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
        return LabUISnapshot(nodes: nodes, faults: current.state.faults.map { LabUIFault($0, plan: lab.plan) }, messages: tracker.messages(now: now))
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
