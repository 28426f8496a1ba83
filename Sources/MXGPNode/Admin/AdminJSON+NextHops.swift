import Foundation
import MXGPAdminAPI
import MXGPCore

/// What the admin API and the metrics read about next hops from the mail data plane (the
/// delivery engine implements it; tests can use a fixed snapshot).
public protocol NextHopHealthProvider: Sendable {
    /// The penalties, counters and latencies now.
    func nextHopSnapshot() -> NextHopSnapshot
}

/// A fixed snapshot, for tests and for nodes without a data plane.
public struct FixedNextHopHealth: NextHopHealthProvider {
    /// The snapshot every call returns.
    public var snapshot: NextHopSnapshot
    /// A provider that always answers `snapshot`.
    public init(_ snapshot: NextHopSnapshot = NextHopSnapshot()) { self.snapshot = snapshot }
    /// The fixed snapshot.
    public func nextHopSnapshot() -> NextHopSnapshot { snapshot }
}

/// The next-hop view of a node from its sessions (`peers`), best routes and the delivery
/// engine's snapshot. Pure: everything is passed in.
public enum NextHopReport {
    /// One entry per configured neighbour, in the order of `peers` (`GET /v1/nexthops`).
    public static func nexthops(peers: [PeerStatus], routes: [RouteView], snapshot: NextHopSnapshot) -> [AdminNextHop] {
        var firstChoice: [String: [String]] = [:]
        for route in routes {
            if let nextHop = route.nextHop { firstChoice[nextHop, default: []].append(route.domain.text) }
        }
        return peers.map { peer in
            let name = peer.name
            let stats = snapshot.stats.entry(of: name)
            return AdminNextHop(
                neighbour: name, state: state(of: name, peers: peers, snapshot: snapshot).rawValue,
                consecutiveFailures: snapshot.health.penalty(of: name)?.consecutiveFailures ?? 0,
                lastError: stats.lastError, lastErrorAt: stats.lastErrorAt.map(iso8601),
                penaltyLeftSeconds: wholeSeconds(snapshot.health.penaltyLeft(of: name, now: snapshot.now)),
                messagesSent: stats.messagesSent, bytesSent: stats.bytesSent,
                latencyP50Ms: stats.latency(percentile: 0.5).map(milliseconds), latencyP99Ms: stats.latency(percentile: 0.99).map(milliseconds),
                firstChoiceFor: (firstChoice[name] ?? []).sorted())
        }
    }

    /// The state of neighbour `name`: `down` unless `peers` shows its session Established.
    public static func state(of name: String, peers: [PeerStatus], snapshot: NextHopSnapshot) -> NextHopState {
        let established = peers.contains { $0.name == name && $0.state == "Established" }
        return NextHopState.of(name, sessionEstablished: established, health: snapshot.health, slow: snapshot.slow, now: snapshot.now)
    }

    /// Whether the data plane would send to `nextHop` now; nil for an own domain (no next hop).
    public static func usability(of nextHop: String?, peers: [PeerStatus], snapshot: NextHopSnapshot) -> AdminRouteUsability? {
        guard let nextHop else { return nil }
        let state = state(of: nextHop, peers: peers, snapshot: snapshot)
        guard state == .penalised else { return AdminRouteUsability(usable: state == .healthy || state == .degraded, state: state.rawValue) }
        return AdminRouteUsability(
            usable: false, state: state.rawValue, penaltyLeftSeconds: wholeSeconds(snapshot.health.penaltyLeft(of: nextHop, now: snapshot.now)),
            lastError: snapshot.health.penalty(of: nextHop)?.lastError)
    }

    /// `route` and its alternates with their usability filled in.
    public static func annotated(_ route: AdminRoute, peers: [PeerStatus], snapshot: NextHopSnapshot) -> AdminRoute {
        var route = route
        route.usability = usability(of: route.nextHop, peers: peers, snapshot: snapshot)
        route.alternates = route.alternates?.map { annotated($0, peers: peers, snapshot: snapshot) }
        return route
    }

    /// Whole seconds, rounded up.
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// Milliseconds to a tenth.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 10).rounded() / 10
    }

    /// ISO 8601 of a wall time in seconds since 1970 (whole seconds, UTC).
    static func iso8601(_ secondsSince1970: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: secondsSince1970))
    }
}

extension DeliveryEngine: NextHopHealthProvider {}
