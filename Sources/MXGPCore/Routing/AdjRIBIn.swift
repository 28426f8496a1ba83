/// One neighbour's Adj-RIB-In: every route it announced and has not withdrawn, as received.
///
/// Most received routes are eligible, and import policy leaves their attributes alone (or only
/// marks them Only-to-Customer): the Loc-RIB candidate of that neighbour then holds the very
/// attributes object that was received, or its OTC-marked copy. Such a *plain* route costs one
/// bit here (``SparseBitSet``, a set per origin validity, marked or not); its received attributes are read
/// back through the candidate (`held`). Every other route (ineligible, or attributes changed
/// by import policy) is kept in full in `full`.
///
/// Measured on 50 neighbours × 100,000 routes: a `[Int32: AdjRIBInEntry]` per neighbour took
/// about 250 MiB (each dictionary doubles to 262,144 buckets of 20 bytes at 98,304 entries);
/// the bits take about 2 MiB.
///
/// The caller passes `held`, the attributes of this neighbour's Loc-RIB candidate for the
/// domain (nil when there is none), and must call ``remove(_:held:)`` while the candidate is
/// still in the Loc-RIB.
struct AdjRIBIn: Sendable {
    /// Plain routes, by origin validity (``validitySlot(_:)``) and whether the candidate holds
    /// an OTC-marked copy: set `2 × validity slot + (marked ? 1 : 0)`.
    private var plain = [SparseBitSet](repeating: SparseBitSet(), count: 6)
    /// Routes that are not plain.
    private(set) var full: [Int32: AdjRIBInEntry] = [:]
    /// Plain routes whose candidate holds an OTC-marked copy: the copy, the attributes received,
    /// and how many plain routes use it. Keyed by the copy's identity.
    private var unmarked: [ObjectIdentifier: (copy: PathAttributes, received: PathAttributes, routes: Int)] = [:]

    /// Number of routes held.
    var count: Int { full.count + plainCount }

    /// Number of plain routes (all of them eligible).
    var plainCount: Int { plain.reduce(0) { $0 + $1.count } }

    /// Number of eligible routes.
    var eligibleCount: Int { plainCount + full.values.reduce(0) { $0 + ($1.ineligible == nil ? 1 : 0) } }

    private static func validitySlot(_ validity: OriginValidity?) -> Int? {
        switch validity {
        case nil: return 0
        case .valid: return 1
        case .notFound: return 2
        case .invalid: return nil
        }
    }

    private static let slotValidity: [OriginValidity?] = [nil, .valid, .notFound]

    private func plainSlot(of d: Int32) -> Int? { plain.firstIndex { $0.contains(d) } }

    /// True when a route for domain `d` is held.
    func contains(_ d: Int32) -> Bool { full[d] != nil || plainSlot(of: d) != nil }

    /// The route for domain `d`, if held.
    func entry(_ d: Int32, held: PathAttributes?) -> AdjRIBInEntry? {
        if let entry = full[d] { return entry }
        guard let set = plainSlot(of: d), let held else { return nil }
        return plainEntry(in: set, held: held)
    }

    /// The route of a plain entry in set `set` whose candidate holds `held`: the attributes
    /// received (`held` itself, or what its OTC-marked copy was made from) and the validity.
    private func plainEntry(in set: Int, held: PathAttributes) -> AdjRIBInEntry {
        var received = held
        if set % 2 == 1 {
            if let use = unmarked[ObjectIdentifier(held)] {
                received = use.received
            } else {
                assertionFailure("a marked plain Adj-RIB-In route without its received attributes")
            }
        }
        return AdjRIBInEntry(received: received, ineligible: nil, validity: Self.slotValidity[set / 2])
    }

    /// Removes the route for domain `d` and returns it.
    @discardableResult
    mutating func remove(_ d: Int32, held: PathAttributes?) -> AdjRIBInEntry? {
        if let entry = full.removeValue(forKey: d) { return entry }
        guard let set = plainSlot(of: d) else { return nil }
        plain[set].remove(d)
        guard let held else {
            // Not reachable while the engine keeps its invariant; a release build drops the bit.
            assertionFailure("a plain Adj-RIB-In route without its Loc-RIB candidate")
            return nil
        }
        let entry = plainEntry(in: set, held: held)
        let key = ObjectIdentifier(held)
        if set % 2 == 1, let use = unmarked[key] {
            if use.routes == 1 { unmarked[key] = nil } else { unmarked[key]!.routes -= 1 }
        }
        return entry
    }

    /// Stores `entry` for domain `d` (none must be held: ``remove(_:held:)`` first). `held` is
    /// the attributes of the Loc-RIB candidate just installed for it when they are
    /// `entry.received` itself or its OTC-marked copy; nil keeps the route in full.
    mutating func insert(_ entry: AdjRIBInEntry, for d: Int32, held: PathAttributes?) {
        guard entry.ineligible == nil, let held, let slot = Self.validitySlot(entry.validity) else {
            full[d] = entry
            return
        }
        let marked = held !== entry.received
        plain[2 * slot + (marked ? 1 : 0)].insert(d)
        if marked {
            unmarked[ObjectIdentifier(held), default: (held, entry.received, 0)].routes += 1
        }
    }

    /// Every held domain with its eligibility, in index order (cheap: no attributes are read).
    func domains() -> [(domain: Int32, ineligible: IneligibleReason?)] {
        var result = full.map { (domain: $0.key, ineligible: $0.value.ineligible) }
        result.reserveCapacity(count)
        for set in plain { set.forEach { result.append((domain: $0, ineligible: nil)) } }
        return result.sorted { $0.domain < $1.domain }
    }

    /// Every held route, in index order; `held(d)` gives the Loc-RIB candidate's attributes.
    func entries(held: (Int32) -> PathAttributes?) -> [(domain: Int32, entry: AdjRIBInEntry)] {
        domains().compactMap { item in entry(item.domain, held: held(item.domain)).map { (item.domain, $0) } }
    }
}

/// A set of non-negative 32-bit indices as bits, in blocks of 4,096 allocated on first use:
/// a neighbour's domains are interned in runs (one UPDATE after another), so its bits fill a
/// few blocks instead of a bitmap as long as the whole domain table.
struct SparseBitSet: Sendable {
    private static let blockShift = 12
    private static let wordsPerBlock = 1 << (blockShift - 6)
    /// Per block: the offset of its first word in `words`, or -1 when the block is empty.
    private var directory: [Int32] = []
    private var words: [UInt64] = []
    /// Number of members.
    private(set) var count = 0

    /// The word holding `i` and the bit within it; nil when its block was never allocated.
    private func location(_ i: Int32) -> (word: Int, mask: UInt64)? {
        let block = Int(i) >> Self.blockShift
        guard block < directory.count, directory[block] >= 0 else { return nil }
        let bit = Int(i) & ((1 << Self.blockShift) - 1)
        return (Int(directory[block]) + bit >> 6, UInt64(1) << UInt64(bit & 63))
    }

    /// True when `i` is a member.
    func contains(_ i: Int32) -> Bool {
        guard let (word, mask) = location(i) else { return false }
        return words[word] & mask != 0
    }

    /// Adds `i`; false when it was already a member.
    @discardableResult
    mutating func insert(_ i: Int32) -> Bool {
        precondition(i >= 0, "SparseBitSet holds non-negative indices")
        let block = Int(i) >> Self.blockShift
        if block >= directory.count { directory.append(contentsOf: repeatElement(-1, count: block + 1 - directory.count)) }
        if directory[block] < 0 {
            directory[block] = Int32(words.count)
            words.append(contentsOf: repeatElement(0, count: Self.wordsPerBlock))
        }
        let (word, mask) = location(i)!
        guard words[word] & mask == 0 else { return false }
        words[word] |= mask
        count += 1
        return true
    }

    /// Removes `i`; false when it was not a member. Blocks stay allocated.
    @discardableResult
    mutating func remove(_ i: Int32) -> Bool {
        guard let (word, mask) = location(i), words[word] & mask != 0 else { return false }
        words[word] &= ~mask
        count -= 1
        return true
    }

    /// Calls `body` with every member in ascending order.
    func forEach(_ body: (Int32) -> Void) {
        for (block, start) in directory.enumerated() where start >= 0 {
            for k in 0..<Self.wordsPerBlock {
                var word = words[Int(start) + k]
                while word != 0 {
                    body(Int32(block << Self.blockShift + k << 6 + word.trailingZeroBitCount))
                    word &= word - 1
                }
            }
        }
    }
}
