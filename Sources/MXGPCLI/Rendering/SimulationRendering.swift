import MXGPNode
import MXGPCore
import MXGPSim

/// `mxgp sim --json`: `{"converged": true, "nodes": {NODE: {"routes": {DOMAIN: ROUTE}}}}`.
public struct SimulationJSON: Encodable {
    public struct NodeRoutes: Encodable {
        public var routes: [String: RouteJSON]
    }
    public var converged: Bool
    public var nodes: [String: NodeRoutes]

    public init(_ result: SimulationResult) {
        converged = result.converged
        var nodes: [String: NodeRoutes] = [:]
        for (name, routes) in result.nodes {
            nodes[name] = NodeRoutes(routes: Dictionary(uniqueKeysWithValues: routes.map { ($0.domain.text, RouteJSON($0, includeAlternates: false)) }))
        }
        self.nodes = nodes
    }
}

/// Human-readable rendering of routes and simulation results.
public enum RouteRendering {
    /// One table of routes: domain, next hop, path, price, local-pref, reason (and origin
    /// validation when the routes were validated).
    public static func table(_ routes: [RouteView]) -> String {
        let validating = routes.contains { $0.validation != nil }
        // CHARGEBACK and REFUSES (REGION_POLICY) appear only when some route has them.
        let charging = routes.contains { $0.chargeback > 0 || $0.alternates.contains { $0.chargeback > 0 } }
        let refusing = routes.contains { !$0.refusesRegions.isEmpty }
        var table = TextTable(
            ["DOMAIN", "NEXT HOP", "PATH", "PRICE"] + (charging ? ["CHARGEBACK"] : []) + ["LOCAL-PREF", "REASON"]
                + (validating ? ["ORIGIN"] : []) + (refusing ? ["REFUSES"] : []) + ["ALTERNATES"])
        for route in routes {
            var row: [String] = [route.domain.text, hop(route), route.path.isEmpty ? "-" : route.path.map(String.init).joined(separator: " "), String(route.price)]
            if charging { row.append(String(route.chargeback)) }
            row += [String(route.localPreference), route.reason.rawValue]
            if validating { row.append(route.validation?.rawValue ?? "-") }
            if refusing { row.append(route.refusesRegions.isEmpty ? "-" : route.refusesRegions.map(\.code).joined(separator: ",")) }
            row.append(route.alternates.isEmpty ? "-" : route.alternates.filter { $0.nextHop != nil }.map(hop).joined(separator: ","))
            table.add(row)
        }
        return table.render()
    }

    /// The next hop of a route, `(own)` for an own domain, with ` (draining)` when it carries DRAINING.
    static func hop(_ route: RouteView) -> String {
        (route.nextHop ?? "(own)") + (route.draining ? " (draining)" : "")
    }

    /// The routes a node received and refused as ineligible, one line each
    /// (`  ineligible: alice.example from evil (path 666): originInvalid`); empty when none.
    public static func ineligible(_ routes: [IneligibleRoute]) -> String {
        routes.map { "  ineligible: \($0.domain) from \($0.neighbour) (path \($0.path.map(String.init).joined(separator: " "))): \($0.reason.rawValue)\n" }.joined()
    }

    /// The whole simulation: a summary line, then each node's table.
    public static func simulation(_ result: SimulationResult, topology: String) -> String {
        var out = "\(topology): \(result.converged ? "converged" : "NOT converged") after \(format(result.virtualTime)) virtual, "
        out += "\(result.totalMessages) messages (\(result.messages["UPDATE", default: 0]) UPDATE), \(result.routeChanges) route changes\n"
        for (name, routes) in result.nodes {
            out += "\n\(name)\n"
            out += routes.isEmpty ? "  (no routes)\n" : table(routes)
            out += ineligible(result.ineligible[name] ?? [])
        }
        return out
    }

    /// `1.234s` / `12.0ms`.
    public static func format(_ duration: Duration) -> String { RouteClock.format(duration) }
}
