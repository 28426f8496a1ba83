import MXGPCore

extension Simulation {
    /// One load sample of node `n`'s overload monitor after its mail tick, as the node takes one
    /// on every delivery tick: the queue depth now (and the accepts and tempfails counted as
    /// they happened). `startDraining` marks every route the node exports DRAINING,
    /// `stopDraining` withdraws the mark; both are flushed to its neighbours. While draining or
    /// holding mail, the node keeps sampling every 250 ms (the node's tick), so the mark is
    /// withdrawn in virtual time as it would be on a lab.
    func overloadSample(_ n: Int) {
        guard var monitor = mail[n].overload, nodes[n].up else { return }
        let depth = mail[n].queue.filter { !$0.recipients.isEmpty }.count
        let action = monitor.sample(queueDepth: depth, now: now)
        mail[n].overload = monitor
        switch action {
        case .startDraining(let why):
            nodes[n].engine.setDraining(true)
            log("\(nodes[n].name) is overloaded (\(why)): its routes are marked DRAINING")
            scheduleFlush(n)
        case .stopDraining:
            nodes[n].engine.setDraining(false)
            log("\(nodes[n].name) is no longer overloaded (queue \(depth)): DRAINING withdrawn")
            scheduleFlush(n)
        case nil:
            break
        }
        if monitor.status(now: now).draining || depth > 0 { wakeMail(n, at: now + .milliseconds(250)) }
    }

    /// Whether node `name` marks its routes DRAINING now (false for an unknown node).
    public func isDraining(_ name: String) -> Bool {
        guard let n = nodeIndex[name] else { return false }
        return nodes[n].engine.draining
    }
}
