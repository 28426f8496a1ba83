import Foundation
import Testing
@testable import MXGPStore

@Suite("Node store: mailboxes and dedupe")
struct DedupeMailboxTests {
    @Test("own-domain recipients land in the mailbox, others in the queue, in one accept")
    func mailboxAndQueue() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let result = try await store.accept(incoming(to: ["Bob@Local.test", "carol@far.test"]))
            #expect(try await store.mailboxCount(address: "bob@local.test") == 1)
            #expect(try await store.mailboxCount(address: "BOB@local.TEST") == 1)
            #expect(try await store.queueDepth() == 1)
            #expect(try await store.due(now: t0).first?.recipients.map(\.address) == ["carol@far.test"])
            #expect(try await store.allMailboxes() == [MailboxSummary(address: "bob@local.test", count: 1)])

            let message = try #require(try await store.mailbox(address: "bob@local.test").first)
            #expect(message.queueId == result.id)
            #expect(message.messageId == "<m1@origin.test>")
            #expect(message.from == "alice@origin.test")
            #expect(message.to == "bob@local.test")
            #expect(message.subject == "hello")
            #expect(message.receivedAt == "2023-11-14T22:13:20.000Z")
            #expect(message.hops == ["origin", "up1", "me"])
            let data = try #require(try await store.mailboxData(id: message.id))
            #expect(message.size == data.count)
            #expect(String(decoding: data, as: UTF8.self).hasSuffix("Hi there.\r\n"))
        }
    }

    @Test("a local-only message does not enter the queue")
    func localOnly() async throws {
        try await withTempStore { temp in
            let result = try await temp.store.accept(incoming(to: ["bob@local.test"]))
            guard case .queued = result else { Issue.record("got \(result)"); return }
            #expect(try await temp.store.queueDepth() == 0)
            #expect(try await temp.store.mailboxCount(address: "bob@local.test") == 1)
        }
    }

    @Test("mailbox JSON has messageId, from, to, subject, receivedAt and hops")
    func mailboxJSON() async throws {
        try await withTempStore { temp in
            _ = try await temp.store.accept(incoming(to: ["bob@local.test"]))
            let messages = try await temp.store.mailbox(address: "bob@local.test")
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(messages)) as? [[String: Any]]
            let object = try #require(json?.first)
            for key in ["messageId", "from", "to", "subject", "receivedAt", "hops", "size"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            #expect(object["hops"] as? [String] == ["origin", "up1", "me"])
            #expect(object["receivedAt"] as? String == "2023-11-14T22:13:20.000Z")
        }
    }

    @Test("the same Message-ID and body twice (lost 250) → one copy, duplicate names the first")
    func duplicate() async throws {
        try await withTempStore { temp in
            let store = temp.store
            let first = try await store.accept(incoming(to: ["bob@local.test", "carol@far.test"]))
            // The retry crossed another hop: different Received headers and hops, same body.
            var retry = incoming(to: ["bob@local.test", "carol@far.test"], receivedFrom: "up2", hops: ["origin", "up2", "me"],
                                 at: t0.addingTimeInterval(30), price: 5)
            retry.data = messageText(id: "<m1@origin.test>", body: "Hi there.\n\n", extraHeaders: "Received: from c by d\r\n")
            let second = try await store.accept(retry)
            #expect(second == .duplicate(existingId: first.id))
            #expect(try await store.mailboxCount(address: "bob@local.test") == 1)
            #expect(try await store.queueDepth() == 1)
            #expect(try await store.ledger().isEmpty, "a duplicate is not booked")
        }
    }

    @Test("the same Message-ID with a different body is not a duplicate")
    func differentBody() async throws {
        try await withTempStore { temp in
            _ = try await temp.store.accept(incoming(to: ["bob@local.test"], body: "one\r\n"))
            let second = try await temp.store.accept(incoming(to: ["bob@local.test"], body: "two\r\n"))
            guard case .queued = second else { Issue.record("got \(second)"); return }
            #expect(try await temp.store.mailboxCount(address: "bob@local.test") == 2)
        }
    }

    @Test("dedupe is per recipient: a later copy for a new recipient is stored for that one only")
    func perRecipient() async throws {
        try await withTempStore { temp in
            let store = temp.store
            _ = try await store.accept(incoming(to: ["bob@local.test"]))
            let second = try await store.accept(incoming(to: ["bob@local.test", "dan@local.test", "eve@far.test"]))
            guard case .queued = second else { Issue.record("got \(second)"); return }
            #expect(try await store.mailboxCount(address: "bob@local.test") == 1)
            #expect(try await store.mailboxCount(address: "dan@local.test") == 1)
            #expect(try await store.due(now: t0).first?.recipients.map(\.address) == ["eve@far.test"])
        }
    }

    @Test("messages without a Message-ID are never deduplicated")
    func noMessageId() async throws {
        try await withTempStore { temp in
            _ = try await temp.store.accept(incoming(id: nil, to: ["bob@local.test"]))
            _ = try await temp.store.accept(incoming(id: nil, to: ["bob@local.test"]))
            #expect(try await temp.store.mailboxCount(address: "bob@local.test") == 2)
            #expect(try await temp.store.mailbox(address: "bob@local.test").first?.messageId == "")
        }
    }

    @Test("a duplicate RCPT in one envelope gives one copy")
    func repeatedRecipient() async throws {
        try await withTempStore { temp in
            _ = try await temp.store.accept(incoming(to: ["bob@local.test", "BOB@local.test"]))
            #expect(try await temp.store.mailboxCount(address: "bob@local.test") == 1)
        }
    }

    @Test("dedupe entries can be pruned by age")
    func prune() async throws {
        try await withTempStore { temp in
            _ = try await temp.store.accept(incoming(to: ["bob@local.test"]))
            #expect(try await temp.store.pruneDedupe(before: t0) == 0)
            #expect(try await temp.store.pruneDedupe(before: t0.addingTimeInterval(1)) == 1)
            _ = try await temp.store.accept(incoming(to: ["bob@local.test"]))
            #expect(try await temp.store.mailboxCount(address: "bob@local.test") == 2)
        }
    }
}
