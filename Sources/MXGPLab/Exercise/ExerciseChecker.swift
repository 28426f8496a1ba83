import Foundation
import MXGPCore
import MXGPSim
import MXGPTopology

/// What the checks of an exercise look at: a topology and the routes of its nodes, from the
/// simulator (the student's edited file) or from a running lab.
public struct ExerciseWorld: Sendable {
    public var topology: Topology
    /// node → domain → route.
    public var routes: [String: [String: RouteKey]]
    /// node → routes it refused (from the simulator, also for a lab).
    public var refused: [String: [IneligibleRoute]]
    /// Where the routes come from, for the report: `the simulator` or `lab NAME`.
    public var source: String
    /// node → domain → the REGION_POLICY of each ranked route, by next hop (best first), from
    /// the simulator: mail takes the first that accepts its origin region (PROTOCOL.md §9.7).
    public var ranked: [String: [String: [(nextHop: String, refuses: [Region])]]] = [:]

    public init(topology: Topology, routes: [String: [String: RouteKey]], refused: [String: [IneligibleRoute]], source: String) {
        self.topology = topology
        self.routes = routes
        self.refused = refused
        self.source = source
    }

    /// Converges `topology` in the simulator.
    public static func simulated(_ topology: Topology) -> ExerciseWorld {
        let simulation = Simulation(topology: topology)
        let result = simulation.run()
        var routes: [String: [String: RouteKey]] = [:]
        var refused: [String: [IneligibleRoute]] = [:]
        var ranked: [String: [String: [(nextHop: String, refuses: [Region])]]] = [:]
        for (name, views) in result.nodes {
            routes[name] = Dictionary(uniqueKeysWithValues: views.map { ($0.domain.text, RouteKey(nextHop: $0.nextHop, path: $0.path)) })
            refused[name] = simulation.engine(of: name)?.ineligibleRoutes().filter { $0.reason != .loop } ?? []
            ranked[name] = Dictionary(uniqueKeysWithValues: views.map { view in
                (view.domain.text, ([view] + view.alternates).compactMap { r in r.nextHop.map { ($0, r.refusesRegions) } })
            })
        }
        var world = ExerciseWorld(topology: topology, routes: routes, refused: refused, source: "the simulator")
        world.ranked = ranked
        return world
    }

    /// A lab's live routes (a node that does not answer has none) and its topology copy.
    public static func live(_ lab: Lab) async -> ExerciseWorld {
        var world = simulated(lab.plan.topology)
        var routes: [String: [String: RouteKey]] = [:]
        for node in lab.plan.nodes { routes[node.name] = try? await lab.liveRoutes(node.name) }
        world.routes = routes
        world.source = "lab \(lab.name)"
        return world
    }

    /// The nodes mail from `source` to `domain` crosses, source first (longest matching suffix at
    /// each hop); nil: no route. Each hop takes its best route unless that route refuses the
    /// mail's origin region (the source's region): then the next ranked one that accepts it.
    public func mailPath(from source: String, to domain: String) -> [String]? {
        var hops = [source]
        var current = source
        let origin = topology.node(named: source)?.region
        while let route = route(current, domain) {
            guard var next = route.nextHop else { return hops }
            if let origin, let ranked = rankedRoutes(current, domain), ranked.first?.refuses.contains(origin) == true {
                guard let admitted = ranked.first(where: { !$0.refuses.contains(origin) }) else { return nil }
                next = admitted.nextHop
            }
            guard !hops.contains(next) else { return nil }
            hops.append(next)
            current = next
        }
        return nil
    }

    /// `node`'s ranked routes for `domain` (simulated), as ``route(_:_:)`` matches it.
    func rankedRoutes(_ node: String, _ domain: String) -> [(nextHop: String, refuses: [Region])]? {
        guard let name = DomainName(domain) else { return ranked[node]?[domain] }
        for suffix in name.suffixes { if let routes = ranked[node]?[suffix.text] { return routes } }
        return nil
    }

    /// `node`'s route for `domain`: exact, else the longest label-wise suffix with a route.
    func route(_ node: String, _ domain: String) -> RouteKey? {
        guard let name = DomainName(domain) else { return routes[node]?[domain] }
        for suffix in name.suffixes { if let route = routes[node]?[suffix.text] { return route } }
        return nil
    }
}

/// The verdict of one check.
public struct ExerciseCheckResult: Sendable, Hashable, Codable {
    public var name: String
    public var passed: Bool
    /// What was seen.
    public var detail: String
    /// The check's hint (shown when it failed).
    public var hint: String
}

/// Runs an exercise's checks.
public enum ExerciseChecker {
    /// Every check against `world`, in order.
    public static func run(_ exercise: Exercise, on world: ExerciseWorld) -> [ExerciseCheckResult] {
        exercise.checks.map { check in
            let (passed, detail) = evaluate(check.kind, world)
            return ExerciseCheckResult(name: check.name, passed: passed, detail: detail, hint: check.hint)
        }
    }

    static func evaluate(_ kind: ExerciseCheck.Kind, _ world: ExerciseWorld) -> (Bool, String) {
        let topology = world.topology
        switch kind {
        case .route(let node, let domain, let nextHop, let path):
            guard topology.node(named: node) != nil else { return (false, "the topology has no node \(node)") }
            let route = world.routes[node]?[domain]
            var held = route != nil
            if let nextHop { held = held && route?.nextHop == nextHop }
            if let path { held = held && route?.path == path }
            return (held, "\(node) has \(route?.description ?? "no route") for \(domain)")
        case .noRoute(let node, let domain):
            let route = world.routes[node]?[domain]
            return (route == nil, "\(node) has \(route?.description ?? "no route") for \(domain)")
        case .mailPath(let from, let domain, let via, let avoids):
            guard let path = world.mailPath(from: from, to: domain) else { return (false, "mail from \(from) to \(domain) has no route") }
            let missing = via.filter { !path.contains($0) }
            let crossed = avoids.filter { path.contains($0) }
            var detail = "mail from \(from) to \(domain) goes \(path.joined(separator: " > "))"
            if !missing.isEmpty { detail += "; it does not cross \(missing.joined(separator: ", "))" }
            if !crossed.isEmpty { detail += "; it crosses \(crossed.joined(separator: ", "))" }
            return (missing.isEmpty && crossed.isEmpty, detail)
        case .ineligible(let node, let domain, let from, let reason):
            let refused = (world.refused[node] ?? []).filter { $0.domain.text == domain && $0.neighbour == from }
            let seen = refused.map(\.reason.rawValue).joined(separator: ", ")
            return (refused.contains { $0.reason == reason },
                    refused.isEmpty ? "\(node) does not refuse \(from)'s route for \(domain)" : "\(node) refuses \(from)'s route for \(domain): \(seen)")
        case .link(let a, let b, let price, let relationship):
            guard let link = topology.links.first(where: { Set([$0.a, $0.b]) == Set([a, b]) }) else { return (false, "the topology has no link between \(a) and \(b)") }
            let role = link.a == a ? link.aRole : link.aRole.complement
            var held = true
            if let price { held = held && link.price == price }
            if let relationship { held = held && role == relationship }
            return (held, "\(a)–\(b): \(a) is \(b)'s \(role.rawValue), price \(link.price)")
        case .node(let name, let domains, let refuse):
            guard let node = topology.node(named: name) else { return (false, "the topology has no node \(name)") }
            let has = node.domains.map(\.text)
            let refuses = node.refuseRegions.map(\.code)
            let held = domains.allSatisfy(has.contains) && refuse.allSatisfy(refuses.contains)
            return (held, "\(name) originates \(has.isEmpty ? "nothing" : has.joined(separator: ", "))"
                    + (refuses.isEmpty ? "" : ", refuses \(refuses.joined(separator: ", "))"))
        }
    }
}
