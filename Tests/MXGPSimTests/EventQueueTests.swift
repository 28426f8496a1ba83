import MXGPCore
import Testing
@testable import MXGPSim

@Suite struct EventQueueTests {
    @Test func popsByTimeThenBySchedulingOrder() {
        var queue = EventQueue<String>()
        queue.schedule("c", at: .milliseconds(5))
        queue.schedule("a", at: .milliseconds(1))
        queue.schedule("b1", at: .milliseconds(3))
        queue.schedule("b2", at: .milliseconds(3))
        queue.schedule("b3", at: .milliseconds(3))
        var order: [String] = []
        while let entry = queue.pop() { order.append(entry.payload) }
        #expect(order == ["a", "b1", "b2", "b3", "c"])
    }

    @Test func randomSchedulesComeOutSorted() {
        var queue = EventQueue<Int>()
        var rng = MXGPCore.SeededRandom(seed: 42)
        var expected: [(Int, Int)] = []
        for i in 0..<2000 {
            let t = Int(rng.next() % 100)
            queue.schedule(i, at: .milliseconds(t))
            expected.append((t, i))
            if i % 3 == 0, let popped = queue.pop() {
                let first = expected.min { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }!
                #expect(popped.payload == first.1)
                expected.removeAll { $0.1 == first.1 }
            }
        }
        var last = (-1, -1)
        while let entry = queue.pop() {
            let t = Int(entry.time.components.seconds * 1000 + entry.time.components.attoseconds / 1_000_000_000_000_000)
            #expect(t > last.0 || (t == last.0 && entry.payload > last.1))
            last = (t, entry.payload)
        }
    }
}
