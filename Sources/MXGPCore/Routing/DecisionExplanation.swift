/// The decision process in words, for people: on which step one route lost to another, what
/// each value on a route means, and why a received route is no candidate. Pure functions over
/// the decision's own steps (``DecisionProcess``), so an explanation cannot disagree with the
/// decision; used by `mxgp sim --explain` and `mxgp ctl routes DOMAIN`.
public enum DecisionExplanation {
    /// The step on which `loser` lost to `winner`: the first step of the decision process that
    /// tells them apart in `winner`'s favour. nil when `loser` would win, or when the two tie on
    /// every step (then the neighbour's index orders them, and either may be first).
    public static func losingStep(of loser: Candidate, against winner: Candidate) -> BestPathReason? {
        guard let (winnerWins, step) = DecisionProcess.decide(winner, loser), winnerWins else { return nil }
        return step
    }

    /// A step's name for people: `local-pref`, `price`, `path length`…
    public static func name(of step: BestPathReason) -> String {
        switch step {
        case .own: return "own domain"
        case .onlyRoute: return "only route"
        case .notDraining: return "draining"
        case .localPref: return "local-pref"
        case .price: return "price"
        case .expectedCost: return "expected cost"
        case .pathLength: return "path length"
        case .neighbourOperator: return "operator number"
        }
    }

    /// What a step prefers, in one line.
    public static func rule(of step: BestPathReason) -> String {
        switch step {
        case .own: return "a node's own domain always wins (delivered to its own mailboxes)"
        case .onlyRoute: return "the only eligible route: nothing to compare"
        case .notDraining: return "a route whose path does not cross an overloaded (draining) node beats one that does"
        case .localPref: return "the highest local preference wins (customer 300 > peer 200 > provider 100)"
        case .price: return "the lowest expected cost wins; with equal chargebacks that is the lowest PRICE per message"
        case .expectedCost: return "the lowest expected cost wins: PRICE + CHARGEBACK × the complaint rate this node expects for its mail"
        case .pathLength: return "the shortest OPERATOR_PATH wins (fewest operators to cross)"
        case .neighbourOperator: return "the lowest neighbour operator number wins (a last, arbitrary but stable tie-break)"
        }
    }

    /// A route's value on a step, e.g. `300`, `5`, `4 operators`, `operator 100`, `draining`.
    public static func value(
        on step: BestPathReason, localPreference: UInt32, price: UInt32, path: [OperatorNumber], draining: Bool, own: Bool, chargeback: UInt32 = 0
    ) -> String {
        switch step {
        case .own: return own ? "own domain" : "learned"
        case .onlyRoute: return "-"
        case .notDraining: return draining ? "draining" : "not draining"
        case .localPref: return String(localPreference)
        case .price: return String(price)
        case .expectedCost: return chargeback == 0 ? "price \(price), no chargeback" : "price \(price) + chargeback \(chargeback) × rate"
        case .pathLength: return path.count == 1 ? "1 operator" : "\(path.count) operators"
        case .neighbourOperator: return path.first.map { "operator \($0)" } ?? "-"
        }
    }

    /// What a local preference value means, in one line.
    public static func meaning(localPreference: UInt32) -> String {
        switch localPreference {
        case ownRouteLocalPreference: return "an own domain (always preferred)"
        case Relationship.customer.defaultLocalPreference: return "learned from a customer: it pays for the mail, so carrying it earns money"
        case Relationship.peer.defaultLocalPreference: return "learned from a peer: settlement-free, costs nothing"
        case Relationship.provider.defaultLocalPreference: return "learned from a provider: this node pays it to carry the mail"
        default: return "set by import policy (the defaults are customer 300, peer 200, provider 100)"
        }
    }

    /// What a price means, in one line.
    public static func meaning(price: UInt32, own: Bool) -> String {
        if own { return "an own domain: delivering it costs nothing" }
        if price == 0 { return "the next hop charges nothing per message (peer and customer links carry price 0 unless policy says otherwise)" }
        return "the next hop charges \(price) per message (the contract of that link)"
    }

    /// Why a received route is no candidate, in one line.
    public static func meaning(of reason: IneligibleReason) -> String {
        switch reason {
        case .loop: return "this node's own operator is already in the path (a loop)"
        case .firstOperatorMismatch: return "the path does not start with the neighbour's own operator"
        case .otcLeak: return "a route leak: it carries only-to-customer (OTC) but came from a customer or a peer"
        case .originInvalid: return "origin validation: the signed registry says the origin operator may not announce this domain"
        case .importRejected: return "the node's import policy rejects it"
        }
    }
}
