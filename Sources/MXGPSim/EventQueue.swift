/// A min-heap of events ordered by (time, sequence): events at the same virtual
/// time run in the order they were scheduled, so runs are deterministic.
/// Payloads live in a slab; the heap moves only plain keys.
struct EventQueue<Payload> {
    struct Key {
        var time: Duration
        var sequence: UInt64
        var slot: Int32
    }

    struct Entry {
        var time: Duration
        var payload: Payload
    }

    private var heap: [Key] = []
    private var slab: [Payload?] = []
    private var free: [Int32] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// The time of the next event, if any.
    var nextTime: Duration? { heap.first?.time }

    mutating func schedule(_ payload: Payload, at time: Duration) {
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            slab[Int(slot)] = payload
        } else {
            slot = Int32(slab.count)
            slab.append(payload)
        }
        heap.append(Key(time: time, sequence: nextSequence, slot: slot))
        nextSequence += 1
        siftUp(heap.count - 1)
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
        let payload = slab[Int(top.slot)].take()!
        free.append(top.slot)
        return Entry(time: top.time, payload: payload)
    }

    @inline(__always)
    private func before(_ a: Key, _ b: Key) -> Bool {
        a.time != b.time ? a.time < b.time : a.sequence < b.sequence
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        let key = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(key, heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = key
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        let key = heap[parent]
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            if left >= count { break }
            let right = left + 1
            let child = right < count && before(heap[right], heap[left]) ? right : left
            guard before(heap[child], key) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = key
    }
}
