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
    /// validation when the routes were validated), the alternates with the step each lost on;
    /// with `baseline` (the routes without a cut), a CHANGE column and rows for routes lost.
    public static func table(_ routes: [RouteView], baseline: [RouteView]? = nil) -> String {
        let validating = routes.contains { $0.validation != nil }
        // CHARGEBACK and REFUSES (REGION_POLICY) appear only when some route has them.
        let charging = routes.contains { $0.chargeback > 0 || $0.alternates.contains { $0.chargeback > 0 } }
        let refusing = routes.contains { !$0.refusesRegions.isEmpty }
        var table = TextTable(
            ["DOMAIN", "NEXT HOP", "PATH", "PRICE"] + (charging ? ["CHARGEBACK"] : []) + ["LOCAL-PREF", "REASON"]
                + (validating ? ["ORIGIN"] : []) + (refusing ? ["REFUSES"] : []) + ["ALTERNATES"] + (baseline != nil ? ["CHANGE"] : []))
        let before = Dictionary((baseline ?? []).map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [(DomainName, [String])] = []
        for route in routes {
            var row = [route.domain.text, hop(route), path(route.path), String(route.price)]
            if charging { row.append(String(route.chargeback)) }
            row += [String(route.localPreference), route.reason.rawValue]
            if validating { row.append(route.validation?.rawValue ?? "-") }
            if refusing { row.append(route.refusesRegions.isEmpty ? "-" : route.refusesRegions.map(\.code).joined(separator: ",")) }
            row.append(ExplainRendering.alternates(route.alternates.map(ExplainRendering.Route.init)))
            if baseline != nil { row.append(change(before[route.domain], route)) }
            rows.append((route.domain, row))
        }
        if baseline != nil {
            let now = Set(routes.map(\.domain))
            for (domain, old) in before where !now.contains(domain) {
                let lost = [domain.text, "-", "-", "-"] + (charging ? ["-"] : []) + ["-", "-"] + (validating ? ["-"] : [])
                    + (refusing ? ["-"] : []) + ["-", "LOST (was \(summary(old)))"]
                rows.append((domain, lost))
            }
        }
        for (_, row) in rows.sorted(by: { $0.0 < $1.0 }) { table.add(row) }
        return table.render()
    }

    /// The CHANGE cell: `-` when the route is the baseline's, else what it was.
    static func change(_ before: RouteView?, _ now: RouteView) -> String {
        guard let before else { return "new" }
        return before.nextHop == now.nextHop && before.path == now.path ? "-" : "CHANGED (was \(summary(before)))"
    }

    /// `up1 [100 64502]`, `(own)`.
    static func summary(_ route: RouteView) -> String {
        hop(route) + (route.path.isEmpty ? "" : " [" + route.path.map(String.init).joined(separator: " ") + "]")
    }

    static func path(_ path: [OperatorNumber]) -> String { path.isEmpty ? "-" : path.map(String.init).joined(separator: " ") }

    /// The next hop of a route, `(own)` for an own domain, with ` (draining)` when it carries DRAINING.
    static func hop(_ route: RouteView) -> String {
        (route.nextHop ?? "(own)") + (route.draining ? " (draining)" : "")
    }

    /// The routes a node received and refused as ineligible, one line each
    /// (`  ineligible: alice.example from evil (path 666): originInvalid`); empty when none.
    public static func ineligible(_ routes: [IneligibleRoute]) -> String {
        routes.map { "  ineligible: \($0.domain) from \($0.neighbour) (path \($0.path.map(String.init).joined(separator: " "))): \($0.reason.rawValue) — \(DecisionExplanation.meaning(of: $0.reason))\n" }.joined()
    }

    /// The whole simulation: a summary line, then each node's table. With `baseline` (the run
    /// without the cut links `cuts`), the cut is named and each table marks changed and lost routes.
    public static func simulation(_ result: SimulationResult, topology: String, baseline: SimulationResult? = nil, cuts: [String] = []) -> String {
        var out = "\(topology): \(result.converged ? "converged" : "NOT converged") after \(format(result.virtualTime)) virtual, "
        out += "\(result.totalMessages) messages (\(result.messages["UPDATE", default: 0]) UPDATE), \(result.routeChanges) route changes\n"
        if !cuts.isEmpty {
            out += "cut: \(cuts.joined(separator: ", ")) (down for the whole run); CHANGE compares each route with the run without the cut\n"
        }
        out += "REASON: the decision step that chose the route; ALTERNATES: the step each lost on (mxgp sim TOPOLOGY --explain DOMAIN walks one domain)\n"
        for (name, routes) in result.nodes {
            let before = baseline?.routes(of: name)
            out += "\n\(name)\n"
            out += routes.isEmpty && (before ?? []).isEmpty ? "  (no routes)\n" : table(routes, baseline: baseline == nil ? nil : before ?? [])
            out += ineligible(result.ineligible[name] ?? [])
        }
        return out
    }

    /// `1.234s` / `12.0ms`.
    public static func format(_ duration: Duration) -> String { RouteClock.format(duration) }
}
