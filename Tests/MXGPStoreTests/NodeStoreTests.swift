import Foundation
import Testing
@testable import MXGPStore

@Suite("Node store: schema and durability")
struct NodeStoreSchemaTests {
    @Test("opening a fresh directory creates mxgp.sqlite with every table; reopening migrates nothing twice")
    func migrations() async throws {
        try await withTempStore { temp in
            #expect(FileManager.default.fileExists(atPath: temp.directory.appendingPathComponent("mxgp.sqlite").path))
            #expect(try await temp.store.tableNames() == StoreSchema.tables.sorted())
            let reopened = try temp.reopen()
            #expect(try await reopened.tableNames() == StoreSchema.tables.sorted())
        }
    }

    @Test("WAL journal and synchronous=FULL are in effect on writer and readers")
    func pragmas() async throws {
        try await withTempStore { temp in
            let settings = try await temp.store.durabilitySettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
            #expect(try await temp.store.readerSynchronous() == 2)
        }
    }

    @Test("a directory that cannot be created is reported with its path")
    func badDirectory() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: StoreError.self) { try NodeStore(directory: file.appendingPathComponent("sub")) }
    }
}

@Suite("Node store: queue")
struct NodeStoreQueueTests {
    @Test("accept → queued → due → delivering → delivered → gone")
    func lifecycle() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let result = try await store.accept(incoming(to: ["bob@far.test", "carol@far.test"]))
            guard case .queued(let id) = result else { Issue.record("expected queued, got \(result)"); return }
            #expect(try await store.queueDepth() == 1)
            #expect(try await store.due(now: t0.addingTimeInterval(-1)).isEmpty)

            let due = try await store.due(now: t0)
            #expect(due.count == 1)
            let delivery = try #require(due.first)
            #expect(delivery.id == id)
            #expect(delivery.messageId == "<m1@origin.test>")
            #expect(delivery.envelopeFrom == "alice@origin.test")
            #expect(delivery.recipients.map(\.address) == ["bob@far.test", "carol@far.test"])
            #expect(delivery.recipients.allSatisfy { $0.domain == "far.test" && $0.attempts == 0 })
            #expect(delivery.hops == ["origin", "up1", "me"])
            #expect(delivery.receivedFrom == "up1")
            #expect(delivery.size == delivery.data.count)

            let claimed = try await store.markDelivering(queueId: id, recipients: ["bob@far.test", "carol@far.test"], nextHop: "down1")
            #expect(claimed.count == 2)
            #expect(try await store.due(now: t0.addingTimeInterval(10)).isEmpty)
            let listing = try await store.queueListing()
            #expect(listing.count == 1)
            #expect(listing.first?.state == .delivering && listing.first?.nextHop == "down1" && listing.first?.attempts == 1)

            try await store.delivered(queueId: id, recipients: ["bob@far.test"], nextHop: "down1")
            #expect(try await store.queueDepth() == 1)
            try await store.delivered(queueId: id, recipients: ["carol@far.test"], nextHop: "down1")
            #expect(try await store.queueDepth() == 0)
            #expect(try await store.queueListing().isEmpty)
            await #expect(throws: StoreError.self) {
                try await store.delivered(queueId: id, recipients: ["carol@far.test"], nextHop: "down1")
            }
        }
    }

    @Test("deferred: back to queued with error, attempts and next attempt; due again only then")
    func deferred() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let id = try await store.accept(incoming(to: ["bob@far.test"])).id
            try await store.markDelivering(queueId: id, recipients: ["bob@far.test"], nextHop: "down1")
            let retry = t0.addingTimeInterval(60)
            try await store.deferred(queueId: id, recipients: ["bob@far.test"], error: "421 4.3.2 busy", nextAttemptAt: retry)

            #expect(try await store.due(now: t0.addingTimeInterval(59)).isEmpty)
            let recipient = try #require(try await store.due(now: retry).first?.recipients.first)
            #expect(recipient.attempts == 1)
            #expect(recipient.lastError == "421 4.3.2 busy")
            #expect(recipient.nextHop == "down1")
            #expect(recipient.nextAttemptAt == retry)

            let entry = try #require(try await store.queueListing().first)
            #expect(entry.state == .queued && entry.attempts == 1 && entry.lastError == "421 4.3.2 busy")
            #expect(entry.nextAttemptAt == retry && entry.nextHop == "down1" && entry.to == ["bob@far.test"])

            // A deferral without markDelivering still counts the attempt.
            try await store.deferred(queueId: id, recipients: ["bob@far.test"], error: "timeout", nextAttemptAt: retry.addingTimeInterval(240))
            #expect(try await store.queueListing().first?.attempts == 2)
        }
    }

    @Test("queue listing groups a message's recipients by next hop")
    func listingGroups() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let id = try await store.accept(incoming(to: ["a@x.test", "b@x.test", "c@y.test"])).id
            try await store.markDelivering(queueId: id, recipients: ["a@x.test", "b@x.test"], nextHop: "n1")
            try await store.markDelivering(queueId: id, recipients: ["c@y.test"], nextHop: "n2")
            let listing = try await store.queueListing()
            #expect(listing.map(\.to) == [["a@x.test", "b@x.test"], ["c@y.test"]])
            #expect(listing.map(\.nextHop) == ["n1", "n2"])
            #expect(listing.allSatisfy { $0.id == id && $0.from == "alice@origin.test" })
        }
    }

    @Test("bounced recipients keep the original envelope until the DSN is queued")
    func bounced() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let id = try await store.accept(incoming(to: ["bob@far.test", "eve@far.test"])).id
            try await store.markDelivering(queueId: id, recipients: ["bob@far.test", "eve@far.test"], nextHop: "down1")
            try await store.bounced(queueId: id, recipients: ["eve@far.test"], reply: "550 5.1.1 no such user")
            try await store.delivered(queueId: id, recipients: ["bob@far.test"], nextHop: "down1")

            #expect(try await store.queueDepth() == 0)
            let pending = try await store.pendingBounces()
            #expect(pending.count == 1)
            let bounce = try #require(pending.first)
            #expect(bounce.id == id && bounce.envelopeFrom == "alice@origin.test")
            #expect(bounce.recipients == [BouncedRecipient(address: "eve@far.test", reply: "550 5.1.1 no such user")])
            #expect(String(decoding: bounce.data, as: UTF8.self).contains("Subject: hello"))
            #expect(try await store.queueListing().map(\.state) == [.bounced])

            try await store.dsnQueued(queueId: id, recipients: ["eve@far.test"])
            #expect(try await store.pendingBounces().isEmpty)
            #expect(try await store.queueListing().isEmpty)
        }
    }

    @Test("expired returns queued recipients of messages older than the lifetime")
    func expired() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let old = try await store.accept(incoming(id: "<old@o>", to: ["a@x.test"], at: t0)).id
            _ = try await store.accept(incoming(id: "<new@o>", to: ["b@x.test"], at: t0.addingTimeInterval(3000)))
            let expired = try await store.expired(lifetime: 3600, now: t0.addingTimeInterval(4000))
            #expect(expired.map(\.id) == [old])
            #expect(expired.first?.recipients.map(\.address) == ["a@x.test"])
        }
    }

    @Test("recover after a crash: delivering recipients are queued again")
    func recover() async throws {
        try await withTempStore { temp in
            let id = try await temp.store.accept(incoming(to: ["bob@far.test"])).id
            try await temp.store.markDelivering(queueId: id, recipients: ["bob@far.test"], nextHop: "down1")
            #expect(try await temp.store.due(now: t0.addingTimeInterval(1)).isEmpty)

            let store = try temp.reopen()
            #expect(try await store.due(now: t0.addingTimeInterval(1)).isEmpty)
            #expect(try await store.recover() == 1)
            let due = try await store.due(now: t0.addingTimeInterval(1))
            #expect(due.map(\.id) == [id])
            #expect(due.first?.recipients.first?.attempts == 1)
            #expect(try await store.recover() == 0)
        }
    }

    @Test("a message without recipients is refused")
    func noRecipients() async throws {
        try await withTempStore { temp in
            await #expect(throws: StoreError.self) { try await temp.store.accept(incoming(to: [])) }
        }
    }
}
