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
    /// Step 3: lowest expected cost (PRICE + CHARGEBACK × the node's expected complaint rate),
    /// reported as `price` when the two routes' CHARGEBACKs are equal (the cost difference is then
    /// the price difference alone).
    case price
    /// Step 3 when the two routes' CHARGEBACKs differ: the chargeback liability decided it.
    case expectedCost
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
    public let attributes: PathAttributes
    /// The CHARGEBACK the neighbour charges per complaint about mail sent over this route.
    public var chargeback: UInt32
    /// `attributes.operatorPath.count` and `attributes.draining`, kept here: the decision
    /// compares them for every route received, and reading them through `attributes` costs two
    /// dependent loads (a solve of the Internet's size does it tens of millions of times).
    /// Declared before `cost`, they fill the padding after `chargeback`: a candidate stays 40
    /// bytes, like before they were kept.
    private let storedPathLength: UInt16
    private let storedDraining: Bool
    /// Expected cost per message in millionths of a price unit:
    /// `price × 1,000,000 + chargeback × rate`, `rate` the node's expected complaint rate in
    /// parts per million (``ExpectedCost``).
    public private(set) var cost: UInt64

    /// Neighbour index used for the node's own domains.
    public static let ownNeighbour: Int32 = -1

    public init(
        neighbour: Int32, localPreference: UInt32, price: UInt32, neighbourOperator: OperatorNumber, attributes: PathAttributes,
        chargeback: UInt32 = 0, complaintRate: UInt32 = 0
    ) {
        self.neighbour = neighbour
        self.localPreference = localPreference
        self.price = price
        self.neighbourOperator = neighbourOperator
        self.attributes = attributes
        self.storedPathLength = UInt16(clamping: attributes.operatorPath.count)
        self.storedDraining = attributes.draining
        self.chargeback = chargeback
        self.cost = ExpectedCost.micros(price: price, chargeback: chargeback, ratePPM: complaintRate)
    }

    /// Recomputes ``cost`` for a new expected complaint rate (parts per million).
    public mutating func reprice(complaintRate: UInt32) {
        cost = ExpectedCost.micros(price: price, chargeback: chargeback, ratePPM: complaintRate)
    }

    /// True for the node's own domain.
    @inlinable public var isOwn: Bool { neighbour == Candidate.ownNeighbour }
    /// The OPERATOR_PATH's length.
    public var pathLength: Int { Int(storedPathLength) }
    /// True when the route carries DRAINING.
    public var isDraining: Bool { storedDraining }
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
        case .price, .expectedCost: return a.cost == b.cost ? 0 : (a.cost < b.cost ? -1 : 1)
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
            if order != 0 { return (order < 0, step == .price && a.chargeback != b.chargeback ? .expectedCost : step) }
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

/// The expected cost of sending one message over a route (PROTOCOL.md §9.3, step 3), in
/// millionths of a price unit so that it is exact in integers:
/// `cost = PRICE × 1,000,000 + CHARGEBACK × r`, where `r` is the sender's expected complaint
/// rate in parts per million (complaints per million messages).
public enum ExpectedCost {
    /// The cost in millionths of a price unit.
    @inline(__always)
    public static func micros(price: UInt32, chargeback: UInt32, ratePPM: UInt32) -> UInt64 {
        UInt64(price) * 1_000_000 + UInt64(chargeback) * UInt64(ratePPM)
    }

    /// The learned expected complaint rate in parts per million, rounded to the nearest
    /// integer (halves up): `(complaints + prior × weight) / (sent + weight)`, a Bayesian
    /// average that starts at the configured `prior` (a fraction, 0–1) and moves toward the
    /// observed rate as `sent` grows past `weight` messages. `weight` 0 uses the observed rate
    /// alone (the prior when nothing was sent). Capped at 1,000,000 (every message complained about).
    public static func ratePPM(complaints: Int, sent: Int, prior: Double, weight: Int) -> UInt32 {
        let c = Double(max(0, complaints)), n = Double(max(0, sent)), k = Double(max(0, weight))
        let p = min(max(prior, 0), 1)
        let rate = n + k > 0 ? (c + p * k) / (n + k) : p
        return UInt32(min(1_000_000, (rate * 1_000_000 + 0.5).rounded(.down)))
    }
}

/// The ranked candidates of one domain in the Loc-RIB, best first.
///
/// Most domains have exactly one candidate (a domain announced by one neighbour), so one is
/// held inline and only two or more take an array: a Loc-RIB slot is 48 bytes instead of an
/// array reference plus a heap block (about 88 bytes per domain with one candidate).
public struct CandidateList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection, ExpressibleByArrayLiteral, Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case empty
        case one(Candidate)
        case many([Candidate])
    }

    var storage: Storage

    /// An empty list.
    public init() { storage = .empty }

    public init(arrayLiteral elements: Candidate...) { self.init(elements) }

    public init<S: Sequence>(_ elements: S) where S.Element == Candidate {
        storage = Self.storage(for: Array(elements))
    }

    private static func storage(for array: [Candidate]) -> Storage {
        switch array.count {
        case 0: return .empty
        case 1: return .one(array[0])
        default: return .many(array)
        }
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .empty: return 0
        case .one: return 1
        case .many(let array): return array.count
        }
    }

    public var isEmpty: Bool {
        if case .empty = storage { return true }
        return false
    }

    public subscript(position: Int) -> Candidate {
        get {
            switch storage {
            case .one(let candidate):
                precondition(position == 0, "CandidateList index out of range")
                return candidate
            case .many(let array):
                return array[position]
            case .empty:
                preconditionFailure("CandidateList index out of range")
            }
        }
        set {
            switch storage {
            case .one:
                precondition(position == 0, "CandidateList index out of range")
                storage = .one(newValue)
            case .many(var array):
                storage = .empty  // keeps the array uniquely referenced
                array[position] = newValue
                storage = .many(array)
            case .empty:
                preconditionFailure("CandidateList index out of range")
            }
        }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C) where C.Element == Candidate {
        var array = Array(self)
        storage = .empty
        array.replaceSubrange(subrange, with: newElements)
        storage = Self.storage(for: array)
    }

    public mutating func insert(_ candidate: Candidate, at position: Int) {
        switch storage {
        case .empty:
            precondition(position == 0, "CandidateList index out of range")
            storage = .one(candidate)
        case .one(let existing):
            storage = .many(position == 0 ? [candidate, existing] : [existing, candidate])
        case .many(var array):
            storage = .empty
            array.insert(candidate, at: position)
            storage = .many(array)
        }
    }

    @discardableResult
    public mutating func remove(at position: Int) -> Candidate {
        switch storage {
        case .empty:
            preconditionFailure("CandidateList index out of range")
        case .one(let candidate):
            precondition(position == 0, "CandidateList index out of range")
            storage = .empty
            return candidate
        case .many(var array):
            storage = .empty
            let removed = array.remove(at: position)
            storage = Self.storage(for: array)
            return removed
        }
    }
}
