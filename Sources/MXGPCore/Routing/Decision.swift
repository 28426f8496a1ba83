/// The step of the decision process that made a route best (DESIGN §2), reported with every best route.
public enum BestPathReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The node's own domain: always wins.
    case own
    /// The only eligible route.
    case onlyRoute = "only"
    /// Step 1: a route without DRAINING beats a draining one (RFC 8326 style).
    case notDraining
    /// Step 2: highest local preference.
    case localPref
    /// Step 3: lowest PRICE.
    case price
    /// Step 4: shortest OPERATOR_PATH.
    case pathLength
    /// Step 5: lowest neighbour operator number.
    case neighbourOperator = "neighbour"
}

/// An eligible route for one domain, as the decision process sees it.
public struct Candidate: Sendable, Hashable {
    /// Index of the neighbour it came from; `Candidate.ownNeighbour` for own domains.
    public var neighbour: Int32
    public var localPreference: UInt32
    /// The PRICE the decision compares (after import policy).
    public var price: UInt32
    public var neighbourOperator: OperatorNumber
    /// Attributes after import policy.
    public var attributes: PathAttributes

    /// Neighbour index used for the node's own domains.
    public static let ownNeighbour: Int32 = -1

    public init(neighbour: Int32, localPreference: UInt32, price: UInt32, neighbourOperator: OperatorNumber, attributes: PathAttributes) {
        self.neighbour = neighbour
        self.localPreference = localPreference
        self.price = price
        self.neighbourOperator = neighbourOperator
        self.attributes = attributes
    }

    /// True for the node's own domain.
    public var isOwn: Bool { neighbour == Candidate.ownNeighbour }
    public var pathLength: Int { attributes.operatorPath.count }
    /// True when the route carries DRAINING.
    public var isDraining: Bool { attributes.draining }
}

/// The default decision process: a list of named steps applied in order (DESIGN §2).
public enum DecisionProcess {
    /// The comparison steps, in order.
    public static let steps: [BestPathReason] = [.notDraining, .localPref, .price, .pathLength, .neighbourOperator]

    /// Compares two candidates on one step: negative when `a` is better, positive when `b` is, 0 on a tie.
    @inline(__always)
    public static func compare(_ a: Candidate, _ b: Candidate, on step: BestPathReason) -> Int {
        switch step {
        case .notDraining: return a.isDraining == b.isDraining ? 0 : (b.isDraining ? -1 : 1)
        case .localPref: return a.localPreference == b.localPreference ? 0 : (a.localPreference > b.localPreference ? -1 : 1)
        case .price: return a.price == b.price ? 0 : (a.price < b.price ? -1 : 1)
        case .pathLength: return a.pathLength == b.pathLength ? 0 : (a.pathLength < b.pathLength ? -1 : 1)
        case .neighbourOperator: return a.neighbourOperator == b.neighbourOperator ? 0 : (a.neighbourOperator < b.neighbourOperator ? -1 : 1)
        case .own, .onlyRoute: return 0
        }
    }

    /// The first step that separates `a` from `b`, and whether `a` wins it; nil when they tie on every step.
    public static func decide(_ a: Candidate, _ b: Candidate) -> (aWins: Bool, step: BestPathReason)? {
        if a.isOwn != b.isOwn { return (a.isOwn, .own) }
        for step in steps {
            let order = compare(a, b, on: step)
            if order != 0 { return (order < 0, step) }
        }
        return nil
    }

    /// True when `a` ranks before `b`. Full ties fall back to the neighbour index so the order is total.
    @inline(__always)
    public static func isBetter(_ a: Candidate, _ b: Candidate) -> Bool {
        if let (aWins, _) = decide(a, b) { return aWins }
        return a.neighbour < b.neighbour
    }

    /// Sorts candidates best first.
    public static func rank(_ candidates: [Candidate]) -> [Candidate] {
        candidates.sorted(by: isBetter)
    }

    /// Why the first of a ranked list is best.
    public static func reason(ranked: [Candidate]) -> BestPathReason? {
        guard let best = ranked.first else { return nil }
        if best.isOwn { return .own }
        guard ranked.count > 1 else { return .onlyRoute }
        return decide(best, ranked[1])?.step ?? .neighbourOperator
    }
}
