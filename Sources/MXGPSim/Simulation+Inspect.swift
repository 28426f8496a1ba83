import MXGPCore

/// What a scenario (or a test) reads from a running simulation: what `mxgp ctl` reads from a node.
extension Simulation {
    /// True while the node runs (not killed; a paused node counts as up).
    public func isUp(_ node: String) -> Bool { nodeIndex[node].map { nodes[$0].up } ?? false }

    /// True while the node is paused.
    public func isPaused(_ node: String) -> Bool { nodeIndex[node].map { paused.contains($0) } ?? false }

    /// The node's best routes (empty for a node that is down).
    public func bestRoutes(of node: String) -> [RouteView] {
        guard let n = nodeIndex[node], nodes[n].up else { return [] }
        return nodes[n].engine.bestRoutes()
    }

    /// The expected complaint rate (parts per million) the node's decision weighs chargebacks with now.
    public func complaintRate(of node: String) -> UInt32 {
        nodeIndex[node].map { nodes[$0].engine.local.complaintRatePPM } ?? 0
    }

    /// The node's neighbours and the phase of the session with each.
    public func peers(of node: String) -> [(name: String, phase: SessionPhase)] {
        guard let n = nodeIndex[node] else { return [] }
        return nodes[n].peerings.map { (nodes[$0.neighbourNode].name, $0.session.phase) }
    }

    /// The messages in a mailbox of `node` (address compared without case).
    public func mailbox(of node: String, address: String) -> [SimMailboxMessage] {
        guard let n = nodeIndex[node] else { return [] }
        return mail[n].mailboxes[address.lowercased()] ?? []
    }

    /// Messages waiting in the node's queue.
    public func queueDepth(of node: String) -> Int { nodeIndex[node].map { mail[$0].queue.count } ?? 0 }

    /// The node's ledger, by neighbour name.
    public func ledger(of node: String) -> [SimLedgerEntry] {
        guard let n = nodeIndex[node] else { return [] }
        return mail[n].ledger.values.sorted { $0.neighbour < $1.neighbour }
    }

    /// Messages `from` handed to `to` whose 250 a link failure swallowed after `to` took them.
    public func unacknowledged(from: String, to: String) -> Int { unacknowledgedCounts["\(from)>\(to)"] ?? 0 }

    /// Messages `from` handed to `to` that `to` already held (a 250, no second copy, no booking).
    public func duplicatesTaken(from: String, to: String) -> Int { duplicateCounts["\(from)>\(to)"] ?? 0 }

    /// The node's next-hop penalties now.
    public func penalties(of node: String) -> [String: NextHopHealth.Penalty] {
        guard let n = nodeIndex[node] else { return [:] }
        var result: [String: NextHopHealth.Penalty] = [:]
        for peering in nodes[n].peerings {
            let name = nodes[peering.neighbourNode].name
            if let penalty = mail[n].health.penalty(of: name), penalty.until > now { result[name] = penalty }
        }
        return result
    }
}

extension Simulation {
    /// True when every live session is Established and no route change is in flight.
    public var isConverged: Bool { allLiveSessionsEstablished() && significantPending == 0 }

    /// Marks the virtual time a scenario starts at (its clock reads from here).
    public func markStart() { startTime = now }
}
