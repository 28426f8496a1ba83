#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns domain names to dense indices so the RIBs store 4-byte keys.
///
/// Compact: the names' bytes live back to back in one arena (`bytes`, with `starts[i]` the
/// offset of name i and `starts[i + 1]` its end), found through an open-addressing table of
/// indices (`slots`, linear probing, at most three quarters full: at 5M names half full took
/// 64 MiB of slots, three quarters 32 MiB). A name costs its length plus about
/// 12 bytes, against some 110 for a `[DomainName]` array with a `[DomainName: Int32]`
/// dictionary (a heap-allocated String per name longer than 15 bytes, held twice).
/// `self[i]` builds the `DomainName` on demand.
public struct DomainTable: Sendable {
    private var bytes: [UInt8] = []
    private var starts: [UInt32] = [0]
    /// Name index + 1 per slot; 0 = empty.
    private var slots: [UInt32] = []
    private var mask = 0

    public init() {}

    /// Number of names interned.
    public var count: Int { starts.count - 1 }

    /// The index of `name`, adding it when new.
    public mutating func intern(_ name: DomainName) -> Int32 {
        var text = name.text
        return text.withUTF8 { utf8 in
            let hash = Self.hash(utf8)
            if let found = find(utf8, hash: hash) { return found }
            if Self.overfull(count + 1, slots: slots.count) { grow() }
            let index = Int32(count)
            bytes.append(contentsOf: utf8)
            starts.append(UInt32(bytes.count))
            place(index, hash: hash)
            return index
        }
    }

    /// The index of `name` if known.
    public func index(of name: DomainName) -> Int32? {
        var text = name.text
        return text.withUTF8 { utf8 in find(utf8, hash: Self.hash(utf8)) }
    }

    /// The name at `index`.
    public subscript(index: Int32) -> DomainName {
        let i = Int(index)
        let range = Int(starts[i])..<Int(starts[i + 1])
        return DomainName(unchecked: bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) })
    }

    /// Every name in index order.
    public var names: [DomainName] { (0..<Int32(count)).map { self[$0] } }

    /// Reserves room for `count` names.
    public mutating func reserveCapacity(_ count: Int) {
        starts.reserveCapacity(count + 1)
        bytes.reserveCapacity(count * 16)
        while Self.overfull(count, slots: slots.count) { grow() }
    }

    // MARK: Hash table

    /// True when `names` names need more than `slots` slots (over three quarters full).
    static func overfull(_ names: Int, slots: Int) -> Bool { names * 4 > slots * 3 }

    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(utf8))
        return hasher.finalize()
    }

    private func find(_ utf8: UnsafeBufferPointer<UInt8>, hash: Int) -> Int32? {
        guard !slots.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { arena in
            starts.withUnsafeBufferPointer { starts in
                slots.withUnsafeBufferPointer { slots in
                    var slot = hash & mask
                    while true {
                        let entry = slots[slot]
                        if entry == 0 { return nil }
                        let i = Int(entry - 1)
                        let start = Int(starts[i]), end = Int(starts[i + 1])
                        if end - start == utf8.count, memcmp(arena.baseAddress! + start, utf8.baseAddress!, utf8.count) == 0 {
                            return Int32(i)
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    private mutating func place(_ index: Int32, hash: Int) {
        var slot = hash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(index) + 1
    }

    /// Doubles the table (at least 16 slots) and places every name again.
    private mutating func grow() {
        let size = max(16, slots.count * 2)
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for i in 0..<count {
            let hash = bytes.withUnsafeBufferPointer { arena in
                Self.hash(UnsafeBufferPointer(rebasing: arena[Int(starts[i])..<Int(starts[i + 1])]))
            }
            place(Int32(i), hash: hash)
        }
    }
}
