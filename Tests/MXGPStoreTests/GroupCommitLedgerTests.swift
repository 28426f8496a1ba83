import Foundation
@testable import MXGPBenchmarks
import Testing
@testable import MXGPStore

@Suite("Node store: group commit")
struct GroupCommitTests {
    @Test("200 concurrent accepts are all durable and share transactions")
    func concurrentAccepts() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let results = try await withThrowingTaskGroup(of: AcceptResult.self) { group in
                for n in 0..<200 {
                    group.addTask {
                        try await store.accept(incoming(id: "<c\(n)@origin.test>", to: ["u\(n)@far.test", "u\(n)@local.test"]))
                    }
                }
                return try await group.reduce(into: [AcceptResult]()) { $0.append($1) }
            }
            #expect(results.count == 200)
            #expect(Set(results.map(\.id)).count == 200)
            let stats = await store.groupCommitStats()
            print("group commit: \(stats.calls) calls in \(stats.commits) commits, largest batch \(stats.largestBatch)")
            #expect(stats.calls == 200)
            #expect(stats.commits < stats.calls)
            #expect(stats.largestBatch > 1)

            // Durable: a reopened store sees every message.
            let reopened = try temp.reopen()
            #expect(try await reopened.queueDepth() == 200)
            #expect(try await reopened.allMailboxes().count == 200)
        }
    }

    @Test("a failing message fails alone; the rest of its batch commits")
    func isolation() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let results = await withTaskGroup(of: Bool.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        let to = n == 7 ? [String]() : ["u\(n)@far.test"]
                        return (try? await store.accept(incoming(id: "<i\(n)@o>", to: to))) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 19)
            let depth = try await store.queueDepth()
            #expect(depth == 19)
        }
    }

    @Test("concurrent bookkeeping shares transactions; a failing call fails alone")
    func bookkeepingShares() async throws {
        try await withTempStore { temp in
            let store = temp.store
            var ids: [String] = []
            for n in 0..<40 { ids.append(try await store.accept(incoming(id: "<b\(n)@o>", to: ["u\(n)@far.test"])).id) }
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for (n, id) in ids.enumerated() {
                    group.addTask {
                        do {
                            try await store.markDelivering(queueId: id, recipients: ["u\(n)@far.test"], nextHop: "up1")
                            try await store.delivered(queueId: n == 13 ? "no-such-id" : id, recipients: ["u\(n)@far.test"], nextHop: "up1")
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { !$0 }.count == 1)
            let stats = await store.groupCommitStats()
            print("bookkeeping: \(stats.bookkeepingCalls) calls in \(stats.bookkeepingCommits) commits")
            #expect(stats.bookkeepingCalls == 80)
            #expect(stats.bookkeepingCommits < stats.bookkeepingCalls)
            // Only the message whose `delivered` failed is left, its recipient still claimed;
            // the reopened store sees the same.
            #expect(try await store.queueDepth() == 1)
            #expect(try await temp.reopen().queueDepth() == 1)
        }
    }

    @Test("the benchmark runs and reports fewer commits than messages")
    func benchmark() async throws {
        let result = try await StoreBenchmark.run(messages: 200, concurrency: 10, size: 1024)
        print("store benchmark: \(result.messagesPerSecond) msg/s, \(result.commits) commits for 200")
        #expect(result.commits > 0 && result.commits <= 200)
        #expect(result.messagesPerSecond > 0)
    }
}

@Suite("Node store: ledger")
struct LedgerTests {
    @Test("in, out and chargebacks sum per neighbour")
    func sums() async throws {
        try await withTempStore { temp in
            let store = temp.store
            try await store.recordIn(neighbour: "cust1", bytes: 100, price: 3)
            try await store.recordIn(neighbour: "cust1", bytes: 50, price: 3)
            try await store.recordOut(neighbour: "up1", bytes: 100, price: 2)
            try await store.recordChargeback(neighbour: "cust1", amount: 10)
            try await store.recordChargeback(neighbour: "cust1", amount: 10)
            let ledger = try await store.ledger()
            #expect(ledger == [
                LedgerEntry(neighbour: "cust1", messagesIn: 2, bytesIn: 150, messagesOut: 0, bytesOut: 0,
                            owed: 0, earned: 6, chargebacks: 20, complaints: 2),
                LedgerEntry(neighbour: "up1", messagesIn: 0, bytesIn: 0, messagesOut: 1, bytesOut: 100,
                            owed: 2, earned: 0, chargebacks: 0, complaints: 0),
            ])
        }
    }

    @Test("accept and delivered book in the same transaction as the message")
    func bookedWithMessages() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let id = try await store.accept(incoming(to: ["bob@far.test"], receivedFrom: "cust1", price: 4)).id
            let size = try #require(try await store.due(now: t0).first?.size)
            try await store.delivered(queueId: id, recipients: ["bob@far.test"], nextHop: "up1", price: 2)
            let ledger = try await store.ledger()
            #expect(ledger.first { $0.neighbour == "cust1" }?.earned == 4)
            #expect(ledger.first { $0.neighbour == "cust1" }?.bytesIn == size)
            #expect(ledger.first { $0.neighbour == "up1" }?.owed == 2)
            #expect(ledger.first { $0.neighbour == "up1" }?.bytesOut == size)
        }
    }
}
