import MXGPAdminAPI
import MXGPCore
import NIOCore

extension PeeringController {
    /// Snapshot of every configured neighbour.
    func peerStatuses() -> [PeerStatus] {
        loop.preconditionInEventLoop()
        return peers.indices.filter { !peers[$0].removed }.map { i in
            let peer = peers[i]
            let received = engine.adjRIBInCounts(of: i)
            var status = PeerStatus(
                name: peer.config.name, operatorNumber: peer.config.routing.operatorNumber,
                address: peer.config.address?.description ?? "", relationship: peer.config.routing.relationship,
                state: peer.session.phase.description,
                uptimeSeconds: peer.establishedAt.map { Double((NIODeadline.now() - $0).nanoseconds) / 1e9 },
                messagesIn: peer.messagesIn, messagesOut: peer.messagesOut, updatesIn: peer.updatesIn, updatesOut: peer.updatesOut,
                routesReceived: received.received, routesAccepted: received.accepted,
                lastError: peer.lastError, tls: settings.tls != nil)
            status.lastDown = peer.lastDown
            return status
        }
    }

    /// Sessions by phase, for metrics.
    func sessionCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for peer in peers where !peer.removed { counts[peer.session.phase.description, default: 0] += 1 }
        return counts
    }

    /// Closes the session with `name` (cease / administrative reset); it reconnects by itself.
    func resetSession(named name: String) throws {
        guard let i = peers.firstIndex(where: { !$0.removed && $0.config.name == name }) else {
            throw PeeringError.unknownNeighbour(name, known: peers.filter { !$0.removed }.map(\.config.name))
        }
        note(i, "session reset by the administrator")
        apply(peers[i].session.stop(reason: "administrative reset", now: now), peer: i)
        apply(peers[i].session.start(now: now), peer: i)
    }

    /// Applies a new configuration: neighbours added, removed or changed; policy, domains
    /// and regions updated. Sessions whose neighbour did not change stay up.
    func reconfigure(_ new: PeeringSettings) {
        loop.preconditionInEventLoop()
        let old = settings
        settings = new
        // Neighbours that went away or changed.
        for i in peers.indices where !peers[i].removed {
            let name = peers[i].config.name
            if let replacement = new.neighbours.first(where: { $0.name == name }), replacement == peers[i].config { continue }
            note(i, "neighbour removed or changed by reload")
            apply(peers[i].session.stop(reason: "neighbour deconfigured", now: now), peer: i)
            for timer in peers[i].timers.values { timer.cancel() }
            peers[i].timers = [:]
            peers[i].removed = true
            engine.removeNeighbour(i)
        }
        // Neighbours that are new (or changed, re-added).
        for neighbour in new.neighbours where !peers.contains(where: { !$0.removed && $0.config.name == neighbour.name }) {
            let index = engine.addNeighbour(neighbour.routing)
            precondition(index == peers.count, "engine and peers out of step")
            peers.append(Peer(config: neighbour, session: SessionStateMachine(configuration: neighbour.session, jitterSeed: UInt64(index))))
            logger.info("neighbour added by reload", metadata: ["peer": "\(neighbour.name)"])
            apply(peers[index].session.start(now: now), peer: index)
        }
        // Own domains.
        let (oldDomains, newDomains) = (Set(old.local.ownDomains), Set(new.local.ownDomains))
        for domain in old.local.ownDomains where !newDomains.contains(domain) { engine.stopOriginating(domain) }
        for domain in new.local.ownDomains where !oldDomains.contains(domain) { engine.originate(domain) }
        if old.local.policy != new.local.policy || old.local.refuseRegions != new.local.refuseRegions {
            engine.updateLocal(policy: new.local.policy, refuseRegions: new.local.refuseRegions)
        }
        // Origin registry: a new serial or entries, or validation switched on or off.
        if (old.originValidator == nil) != (new.originValidator == nil)
            || (old.originValidator as? OriginRegistry) != (new.originValidator as? OriginRegistry) {
            engine.originValidator = new.originValidator
            engine.reevaluateAll()
            logger.notice("origin registry changed by reload", metadata: ["serial": "\((new.originValidator as? OriginRegistry)?.serial.description ?? "none")"])
        }
        scheduleFlush()
    }
}

/// Errors of the peering service, for people.
public enum PeeringError: Error, CustomStringConvertible, Equatable {
    case unknownNeighbour(String, known: [String])
    case notRunning

    public var description: String {
        switch self {
        case .unknownNeighbour(let name, let known):
            return "no neighbour named \(name.debugDescription); configured: \(known.joined(separator: ", "))"
        case .notRunning:
            return "the peering service is not running"
        }
    }
}
