import Testing
@testable import MXGPCore

/// The compact Loc-RIB storage: the domain arena and the inline single candidate.
@Suite struct CompactRIBTests {
    @Test func domainTableInternsLooksUpAndGrows() {
        var table = DomainTable()
        let names = (0..<5000).map { dn("d\($0).p\($0 % 7).bench.example") } + [dn("."), dn("a.example")]
        for (i, name) in names.enumerated() { #expect(table.intern(name) == Int32(i)) }
        for (i, name) in names.enumerated() {
            #expect(table.intern(name) == Int32(i))
            #expect(table.index(of: name) == Int32(i))
            #expect(table[Int32(i)] == name)
        }
        #expect(table.count == names.count)
        #expect(table.index(of: dn("b.example")) == nil)
        #expect(table.names == names)
    }

    /// The name table grows past three quarters full, not half.
    @Test(arguments: [(0, 0, false), (1, 0, true), (12, 16, false), (13, 16, true), (6_291_456, 8_388_608, false), (6_291_457, 8_388_608, true)])
    func domainTableGrowsPastThreeQuarters(names: Int, slots: Int, overfull: Bool) {
        #expect(DomainTable.overfull(names, slots: slots) == overfull)
    }

    /// The chunked Loc-RIB array: elements keep their places across chunk boundaries, change
    /// in place, and a copy is a value (changing it leaves the original alone).
    @Test func chunkedArrayAppendsModifiesAndCopies() {
        var array = ChunkedArray<Int>()
        #expect(array.isEmpty)
        let n = 3 * 65_536 + 17
        for i in 0..<n { array.append(i * 2) }
        #expect(array.count == n && Array(array.indices) == Array(0..<n))
        #expect(array[0] == 0 && array[65_535] == 131_070 && array[65_536] == 131_072 && array[n - 1] == (n - 1) * 2)
        let copy = array
        array[65_536] += 1
        for i in stride(from: 0, to: n, by: 4096) { array[i] = -i }
        #expect(array[65_536] == -65_536 && copy[65_536] == 131_072)
        #expect(copy.enumerated().allSatisfy { $0.element == $0.offset * 2 })
        #expect(array.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } == (n + 4095) / 4096 - 1)
    }

    static func candidate(_ neighbour: Int32) -> Candidate {
        Candidate(neighbour: neighbour, localPreference: 100, price: 0, neighbourOperator: UInt32(100 + neighbour), attributes: attrs([UInt32(100 + neighbour)]))
    }

    /// (inserts as (neighbour, position), removals by position, the neighbours left in order)
    static let listCases: [([(Int32, Int)], [Int], [Int32])] = [
        ([(1, 0)], [], [1]),
        ([(1, 0), (2, 1)], [], [1, 2]),
        ([(1, 0), (2, 0)], [], [2, 1]),
        ([(1, 0), (2, 1), (3, 1)], [], [1, 3, 2]),
        ([(1, 0), (2, 1), (3, 1)], [1], [1, 2]),
        ([(1, 0), (2, 1)], [0], [2]),
        ([(1, 0)], [0], []),
    ]

    @Test(arguments: listCases)
    func candidateListKeepsOrder(inserts: [(Int32, Int)], removals: [Int], left: [Int32]) {
        var list: CandidateList = []
        for (neighbour, position) in inserts { list.insert(Self.candidate(neighbour), at: position) }
        for position in removals { list.remove(at: position) }
        #expect(list.map(\.neighbour) == left)
        #expect(list.isEmpty == left.isEmpty)
        #expect(list.first?.neighbour == left.first)
    }

    @Test func candidateListSortsAndMutatesInPlace() {
        var list = CandidateList([Self.candidate(1), Self.candidate(2), Self.candidate(3)])
        list[2].reprice(complaintRate: 5)
        list.sort { $0.neighbour > $1.neighbour }
        #expect(list.map(\.neighbour) == [3, 2, 1])
        #expect(MemoryLayout<CandidateList>.stride <= MemoryLayout<Candidate>.stride + 8)
    }

    /// A candidate keeps its path length and DRAINING flag in the padding after `chargeback`:
    /// still 40 bytes (five million routes held by a node: 200 MB, not 240), and nil is free.
    @Test func candidatesStayFortyBytes() {
        #expect(MemoryLayout<Candidate>.stride == 40)
        #expect(MemoryLayout<Candidate?>.stride == 40)
        let candidate = Self.candidate(1)
        #expect(candidate.pathLength == candidate.attributes.operatorPath.count)
        #expect(candidate.isDraining == candidate.attributes.draining)
    }
}
