/// An array kept in fixed-size chunks of 65,536 elements. Growing never moves the elements
/// already there: an `Array` of millions of routes doubles and copies when it fills, so for a
/// moment it holds its old and its new buffer (the Loc-RIB of 4.5M domains briefly took
/// 200 MiB more than it needed), while this allocates one more chunk. Random access costs a
/// shift and a mask more than an `Array`'s.
struct ChunkedArray<Element>: RandomAccessCollection, MutableCollection {
    private static var shift: Int { 16 }
    private static var mask: Int { (1 << shift) - 1 }
    private var chunks: [[Element]] = []
    /// The number of elements.
    private(set) var count = 0

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "ChunkedArray index out of range")
            return chunks[position >> Self.shift][position & Self.mask]
        }
        _modify {
            precondition(position >= 0 && position < count, "ChunkedArray index out of range")
            yield &chunks[position >> Self.shift][position & Self.mask]
        }
    }

    /// Adds `element` at the end.
    mutating func append(_ element: Element) {
        if count & Self.mask == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(1 << Self.shift)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
