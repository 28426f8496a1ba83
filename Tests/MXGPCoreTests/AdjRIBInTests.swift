import Testing
@testable import MXGPCore

/// The compact Adj-RIB-In: plain routes as bits read back through the Loc-RIB, the rest in full.
@Suite struct AdjRIBInTests {
    /// (members inserted, members removed afterwards): block edges, a far block, a repeat.
    static let bitSetCases: [([Int32], [Int32])] = [
        ([], []),
        ([0], []),
        ([0], [0]),
        ([4095, 4096, 0, 63, 64], [63]),
        ([5_000_000, 7, 7, 4_999_999], [7, 8]),
        ([Int32](stride(from: 0, to: 20_000, by: 3)), [Int32](stride(from: 0, to: 20_000, by: 6))),
    ]

    @Test(arguments: bitSetCases)
    func sparseBitSetMatchesASet(inserts: [Int32], removals: [Int32]) {
        var bits = SparseBitSet()
        var model = Set<Int32>()
        for i in inserts { #expect(bits.insert(i) == model.insert(i).inserted) }
        for i in removals { #expect(bits.remove(i) == (model.remove(i) != nil)) }
        var members: [Int32] = []
        bits.forEach { members.append($0) }
        #expect(members == model.sorted())
        #expect(bits.count == model.count)
        for i in inserts + removals + [1, 4097, 6_000_000] { #expect(bits.contains(i) == model.contains(i)) }
    }

    /// What a neighbour may announce in the model test, and what the engine must make of it.
    enum Variant: CaseIterable {
        case clean, loop, rejected
        func attributes(from op: OperatorNumber) -> PathAttributes {
            switch self {
            case .clean: return attrs([op, 1])
            case .loop: return attrs([op, 500])
            case .rejected: return attrs([op, 666])
            }
        }
        var reason: IneligibleReason? {
            switch self {
            case .clean: return nil
            case .loop: return .loop
            case .rejected: return .importRejected
            }
        }
    }

    /// Seeded random announcements, withdrawals and session resets from a provider (the
    /// candidate holds an OTC-marked copy), a customer (the received object itself, or a
    /// prepended copy under x.example) and a peer: after every step each neighbour's
    /// Adj-RIB-In holds exactly what it announced, as the very objects received, eligible
    /// exactly when its candidate is in the Loc-RIB, with its origin validity (seeds 3 and 4
    /// run with a validator); a policy change keeps all of it.
    @Test(arguments: [1, 2, 3, 4])
    func adjRIBInFollowsAModel(seed: UInt64) {
        let policy = NodePolicy(importPolicy: Policy(rules: [
            PolicyRule(match: PolicyMatch(pathContains: 666), verdict: .reject),
            PolicyRule(match: PolicyMatch(domainSuffix: dn("x.example"), neighbour: "cust"), actions: [.prepend(1)], verdict: .accept),
        ]))
        let operators: [OperatorNumber] = [7, 8, 9]
        var e = engine(neighbours: [nb("prov", 7, .provider), nb("cust", 8, .customer), nb("peer", 9, .peer)], policy: policy)
        let validator: (any OriginValidating)? = seed > 2 ? BySuffix() : nil
        e.originValidator = validator
        let names = (0..<24).map { dn("d\($0).\($0 % 2 == 0 ? "x" : "y").example") }
        var model: [[DomainName: (received: PathAttributes, reason: IneligibleReason?)]] = [[:], [:], [:]]
        var rng = SeededRandom(seed: seed)
        for _ in 0..<400 {
            let n = Int(rng.next() % 3)
            let picked = names.filter { _ in rng.next() % 4 == 0 }
            switch rng.next() % 10 {
            case 0..<6:
                let variant = Variant.allCases[Int(rng.next() % 3)]
                let received = variant.attributes(from: operators[n])
                e.receive(UpdateMessage(attributes: received, announced: picked), from: n)
                for name in picked { model[n][name] = (received, variant.reason) }
            case 6..<9:
                e.receive(UpdateMessage(withdrawn: picked), from: n)
                for name in picked { model[n][name] = nil }
            default:
                e.neighbourDown(n)
                e.neighbourUp(n)
                model[n] = [:]
            }
            _ = e.flush()
            check(e, model, names, validator)
        }
        e.reevaluateAll(policy: NodePolicy())
        _ = e.flush()
        // Without the reject rule, 666 routes become eligible; everything else stays.
        for n in model.indices {
            for (name, route) in model[n] where route.reason == .importRejected { model[n][name] = (route.received, nil) }
        }
        check(e, model, names, validator)
    }

    /// Valid under x.example, not found elsewhere.
    struct BySuffix: OriginValidating {
        func validate(domain: DomainName, origin: OperatorNumber) -> OriginValidity { domain.text.hasSuffix("x.example") ? .valid : .notFound }
        func countries(of domain: DomainName) -> [Country] { [] }
    }

    private func check(
        _ e: RoutingEngine, _ model: [[DomainName: (received: PathAttributes, reason: IneligibleReason?)]], _ names: [DomainName],
        _ validator: (any OriginValidating)?
    ) {
        for n in model.indices {
            let held = e.adjRIBIn(of: n)
            #expect(held.map(\.0) == model[n].keys.sorted())
            for (name, entry) in held {
                guard let expected = model[n][name] else { continue }
                #expect(entry.received === expected.received, "neighbour \(n) \(name): not the object received")
                #expect(entry.ineligible == expected.reason, "neighbour \(n) \(name)")
                #expect(entry.validity == validator?.validate(domain: name, origin: 1), "neighbour \(n) \(name)")
            }
            #expect(e.adjRIBInCount(of: n) == model[n].count)
            #expect(e.adjRIBInCounts(of: n).accepted == model[n].values.filter { $0.reason == nil }.count)
            for name in names {
                let inLocRIB = e.candidates(for: name).contains { $0.neighbour == Int32(n) }
                #expect(inLocRIB == (model[n][name].map { $0.reason == nil } ?? false), "neighbour \(n) \(name)")
                #expect(e.hasAdjRIBIn(name, from: n) == (model[n][name] != nil))
            }
        }
        #expect(e.ineligibleRoutes().count == model.reduce(0) { $0 + $1.values.filter { $0.reason != nil }.count })
    }

    /// A route from a provider is held as one bit: its candidate carries the OTC-marked copy,
    /// and the Adj-RIB-In still reports the attributes as received (no OTC).
    @Test func providerRouteIsPlainAndReportedAsReceived() {
        var e = engine(neighbours: [nb("prov", 7, .provider)])
        let received = attrs([7, 1])
        e.receive(UpdateMessage(attributes: received, announced: [dn("a.example"), dn("b.example")]), from: 0)
        #expect(e.candidates(for: dn("a.example")).first?.attributes.onlyToCustomer == 7)
        #expect(e.neighbours[0].adjRIBIn.full.isEmpty && e.neighbours[0].adjRIBIn.plainCount == 2)
        #expect(e.adjRIBIn(of: 0).allSatisfy { $0.1.received === received && $0.1.received.onlyToCustomer == nil })
    }
}
