import MXGPAdminAPI
import MXGPCore

/// `mxgp sim --explain DOMAIN` and `mxgp ctl routes DOMAIN`: one domain's decision walked for
/// people — every candidate with the step it won or lost on and the values compared, the
/// received routes that are no candidates and why, and a line on what each value means.
public enum ExplainRendering {
    /// A ranked route as both the simulator and the admin API give it.
    public struct Route: Sendable, Hashable {
        public var nextHop: String?
        public var path: [OperatorNumber]
        public var price: UInt32
        public var localPref: UInt32
        /// The best route's deciding step, or the step an alternate lost on (a ``BestPathReason`` raw value).
        public var reason: String
        public var draining: Bool
        /// CHARGEBACK per complaint (0: none).
        public var chargeback: UInt32
        /// REGION_POLICY: regions whose mail the route's path refuses.
        public var refuses: [String] = []

        public init(
            nextHop: String?, path: [OperatorNumber], price: UInt32, localPref: UInt32, reason: String, draining: Bool = false, chargeback: UInt32 = 0
        ) {
            self.chargeback = chargeback
            self.nextHop = nextHop
            self.path = path
            self.price = price
            self.localPref = localPref
            self.reason = reason
            self.draining = draining
        }

        public init(_ view: RouteView) {
            self.init(nextHop: view.nextHop, path: view.path, price: view.price, localPref: view.localPreference, reason: view.reason.rawValue, draining: view.draining,
                      chargeback: view.chargeback)
            refuses = view.refusesRegions.map(\.code)
        }

        public init(_ route: AdminRoute) {
            self.init(nextHop: route.nextHop, path: route.path, price: route.price, localPref: route.localPref, reason: route.reason, draining: route.draining ?? false,
                      chargeback: route.chargeback ?? 0)
            refuses = route.refuses ?? []
        }

        var isOwn: Bool { nextHop == nil }
        var hop: String { nextHop ?? "(own)" }

        func value(on step: BestPathReason) -> String {
            DecisionExplanation.value(on: step, localPreference: localPref, price: price, path: path, draining: draining, own: isOwn, chargeback: chargeback)
        }

        /// `up1 [100 64502]`.
        var summary: String { hop + (path.isEmpty ? "" : " [" + path.map(String.init).joined(separator: " ") + "]") }
    }

    /// A received route that is no candidate.
    public struct Refused: Sendable, Hashable {
        public var neighbour: String
        public var path: [OperatorNumber]
        public var reason: String

        public init(neighbour: String, path: [OperatorNumber], reason: String) {
            self.neighbour = neighbour
            self.path = path
            self.reason = reason
        }
    }

    /// The explanation of one node's decision for one domain. `ranked` is best first;
    /// `baseline` is the best route without the cut (nil: no cut to compare with; `.some(nil)`: none then).
    public static func explain(node: String, domain: String, ranked: [Route], refused: [Refused], baseline: Route?? = nil) -> String {
        var out = "\(node) → \(domain): "
        switch ranked.count {
        case 0: out += "no route" + (refused.isEmpty ? "; no neighbour announced it (export rules: peers and providers pass on only their customers' routes)" : "") + "\n"
        case 1: out += "1 candidate\n"
        default: out += "\(ranked.count) candidates, ranked\n"
        }
        if let best = ranked.first {
            var table = TextTable(["RANK", "NEXT HOP", "PATH", "PRICE", "LOCAL-PREF", "WHY"])
            for (index, route) in ranked.enumerated() {
                table.add([index == 0 ? "best" : String(index + 1), route.hop + (route.draining ? " (draining)" : ""),
                           route.path.isEmpty ? "-" : route.path.map(String.init).joined(separator: " "), String(route.price), String(route.localPref),
                           index == 0 ? why(best: best, runnerUp: ranked.dropFirst().first) : why(lost: route, to: best)])
            }
            out += table.render()
            for route in ranked where !route.refuses.isEmpty {
                out += "\(route.hop) refuses mail originating in \(route.refuses.joined(separator: ", ")) (REGION_POLICY): such mail skips it"
                    + " and takes the next route in this order (decided per message)\n"
            }
        }
        out += Self.refused(refused)
        if let baseline {
            let now = ranked.first
            switch (baseline, now) {
            case (nil, nil): out += "without the cut: no route either\n"
            case (nil, let now?): out += "without the cut: no route; now \(now.summary) (new)\n"
            case (let before?, nil): out += "without the cut: \(before.summary); now no route (LOST)\n"
            case (let before?, let now?):
                out += before.nextHop == now.nextHop && before.path == now.path
                    ? "without the cut: the same route (unchanged)\n" : "without the cut: \(before.summary); now \(now.summary) (CHANGED)\n"
            }
        }
        out += "decision steps, in order (the first that tells two routes apart decides): "
            + ([BestPathReason.own] + DecisionProcess.steps).map(Self.stepInList).joined(separator: ", ") + "\n"
        out += glossary(ranked)
        return out
    }

    /// The received routes that are no candidates, each with its reason in words; empty when none.
    static func refused(_ refused: [Refused]) -> String {
        guard !refused.isEmpty else { return "" }
        return "not candidates (ineligible):\n" + refused.map { route in
            let meaning = IneligibleReason(rawValue: route.reason).map(DecisionExplanation.meaning(of:)) ?? route.reason
            return "  from \(route.neighbour), path \(route.path.map(String.init).joined(separator: " ")): \(route.reason) — \(meaning)\n"
        }.joined()
    }

    /// The best route's WHY: the step it won on against the runner-up, with both values.
    static func why(best: Route, runnerUp: Route?) -> String {
        guard let step = BestPathReason(rawValue: best.reason) else { return "won on \(best.reason)" }
        switch step {
        case .own: return "own domain: always wins"
        case .onlyRoute: return "the only eligible route"
        default:
            guard let runnerUp else { return "won on \(DecisionExplanation.name(of: step))" }
            return "won on \(DecisionExplanation.name(of: step)): \(best.value(on: step)) vs \(runnerUp.value(on: step))"
        }
    }

    /// An alternate's WHY: the step it lost on, its value against the best's.
    static func why(lost route: Route, to best: Route) -> String {
        guard let step = BestPathReason(rawValue: route.reason) else { return "lost on \(route.reason)" }
        if step == .own { return "lost to the own domain" }
        return "lost on \(DecisionExplanation.name(of: step)): \(route.value(on: step)) vs best \(best.value(on: step))"
    }

    /// A decision step as the step list names it: the price step compares expected cost
    /// (PRICE + CHARGEBACK × the node's expected complaint rate, PROTOCOL.md §9.3).
    static func stepInList(_ step: BestPathReason) -> String {
        step == .price ? "expected cost (price + chargeback × complaint rate)" : DecisionExplanation.name(of: step)
    }

    /// One line per value shown: each local-pref and price, and the columns.
    static func glossary(_ ranked: [Route]) -> String {
        guard !ranked.isEmpty else { return "" }
        var lines = ["what the values mean:"]
        var seen = Set<String>()
        for route in ranked {
            let lp = "  LOCAL-PREF \(route.localPref): " + DecisionExplanation.meaning(localPreference: route.localPref)
            if seen.insert(lp).inserted { lines.append(lp) }
        }
        for route in ranked {
            let price = "  PRICE \(route.price): " + DecisionExplanation.meaning(price: route.price, own: route.isOwn)
            if seen.insert(price).inserted { lines.append(price) }
        }
        lines.append("  PATH: the operators the mail crosses, the next hop's first, the origin's last (this node not included)")
        if ranked.contains(where: \.draining) { lines.append("  (draining): the path crosses an overloaded node that asks senders to move new mail away") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The ALTERNATES cell: each alternate with the step it lost on, `up2 (lost on price)`.
    public static func alternates(_ routes: [Route]) -> String {
        let shown = routes.filter { $0.nextHop != nil }
        guard !shown.isEmpty else { return "-" }
        return shown.map { route in
            route.hop + (route.draining ? " (draining)" : "") + " (lost on " + (BestPathReason(rawValue: route.reason).map(DecisionExplanation.name(of:)) ?? route.reason) + ")"
        }.joined(separator: ", ")
    }
}
