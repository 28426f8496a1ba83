import Foundation
import MXGPAdminAPI
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab
@testable import MXGPLabUI

/// The pure parts of the lab UI: Graphviz layout parsing, request checks, listen addresses,
/// snapshot deltas and the mail tracker.
struct LabUIPureTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test func parsesGraphvizJSON() throws {
        let text = try String(contentsOf: Self.golden.appendingPathComponent("quickstart.dot.json"), encoding: .utf8)
        let layout = try LabUILayout.parse(json: text)
        #expect(layout.nodes.map(\.name).sorted() == ["colo1", "colo2", "colo3", "t1a", "t1b", "up1", "up2"])
        #expect(layout.edges.count == 7)
        #expect(layout.width > 0 && layout.height > 0)
        // rankdir=BT: Tier 1s at the top of the drawing (small y once flipped), colos at the bottom.
        let y = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.name, $0.y) })
        #expect(y["t1a"]! < y["up1"]! && y["up1"]! < y["colo1"]!)
        for edge in layout.edges {
            #expect(edge.points.count >= 4 && (edge.points.count - 1) % 3 == 0, "\(edge.from)>\(edge.to): \(edge.points.count) points")
            for point in edge.points { #expect(point[1] >= 0 && point[1] <= layout.height) }
        }
        #expect(layout.edges.contains { $0.from == "colo1" && $0.to == "up1" })
    }

    @Test(arguments: ["", "[]", "{\"objects\": []}", "not json", "{\"bb\": \"0,0,10,10\", \"objects\": [], \"edges\": [{\"tail\": 3, \"head\": 4}]}"])
    func refusesBadGraphvizOutput(text: String) {
        #expect(throws: LabUILayout.ParseError.self) { try LabUILayout.parse(json: text) }
    }

    @Test func splineDropsArrowMarkersAndFlips() {
        #expect(LabUILayout.spline("e,10,20 1,2 3,4 5,6 7,8", flip: 100) == [[1, 98], [3, 96], [5, 94], [7, 92]])
    }

    /// Good fault bodies, one per form.
    @Test(arguments: [
        (#"{"fault": "cut colo1 up1"}"#, LabFault.cut(a: "colo1", b: "up1", from: nil)),
        (#"{"fault": "cut colo1 up1 --from colo1"}"#, .cut(a: "colo1", b: "up1", from: "colo1")),
        (#"{"kind": "cut", "args": ["colo1", "up1"], "from": "up1"}"#, .cut(a: "colo1", b: "up1", from: "up1")),
        (#"{"fault": "  PAUSE   up1 "}"#, .pause(node: "up1")),
        (#"{"fault": "smtp-tempfail colo2"}"#, .smtpTempfail(node: "colo2", percent: 100)),
        (#"{"kind": "kill", "args": ["t1a"]}"#, .kill(node: "t1a")),
        (#"{"fault": "restart up2"}"#, .restart(node: "up2")),
    ])
    func acceptsFaults(body: String, fault: LabFault) throws {
        #expect(try LabUIRequests.fault(Data(body.utf8)) == fault)
    }

    /// Bad fault bodies: each a 4xx with a message that says what to send.
    @Test(arguments: [
        ("", 400, "empty"),
        ("{", 400, "not valid JSON"),
        ("[1, 2]", 400, "not valid JSON"),
        (#"{"fault": 3}"#, 400, "wrong type"),
        (#"{"other": 1}"#, 400, "say which fault"),
        (#"{"fault": "   "}"#, 400, "empty"),
        (#"{"fault": "explode colo1"}"#, 400, "unknown fault"),
        (#"{"fault": "cut colo1"}"#, 400, "cut takes"),
        (#"{"fault": "cut colo1 up1 --from"}"#, 400, "--from needs"),
        (#"{"fault": "pause a b"}"#, 400, "pause takes"),
        (#"{"fault": "smtp-tempfail colo1 200"}"#, 400, "1 to 100"),
        (#"{"kind": "cut", "args": ["colo1", "\#(String(repeating: "x", count: 100))"]}"#, 400, "not a node name"),
        (String(repeating: " ", count: 20_000), 413, "larger than"),
    ])
    func refusesBadFaults(body: String, status: Int, says: String) {
        do {
            let fault = try LabUIRequests.fault(Data(body.utf8))
            Issue.record("accepted \(body.prefix(40).debugDescription) as \(fault)")
        } catch {
            #expect(error.status == status)
            #expect(error.message.contains(says), "\(error.message)")
        }
    }

    @Test func healWithoutBodyHealsAll() throws {
        #expect(try LabUIRequests.heal(Data()) == nil)
        #expect(try LabUIRequests.heal(Data("{}".utf8)) == nil, "the page heals everything with {}")
        #expect(throws: LabUIError.self) { try LabUIRequests.heal(Data("{".utf8)) }
        #expect(try LabUIRequests.heal(Data(#"{"fault": "cut colo1 up1"}"#.utf8)) == .cut(a: "colo1", b: "up1", from: nil))
    }

    @Test func checksSends() throws {
        #expect(try LabUIRequests.send(Data(#"{"from": "colo1", "to": "bob@bob.example"}"#.utf8)) == .init(from: "colo1", to: "bob@bob.example", count: 1))
        for bad in [#"{"from": "colo1"}"#, #"{"from": "colo1", "to": "bob"}"#, #"{"from": "colo1", "to": "a b@c"}"#, #"{"from": "colo1", "to": "b@c", "count": 0}"#] {
            #expect(throws: LabUIError.self, "\(bad)") { try LabUIRequests.send(Data(bad.utf8)) }
        }
    }

    @Test func listensOnLoopbackUnlessAllowed() throws {
        #expect(try LabUIListen.parse("127.0.0.1:8790", allowRemote: false).listen == .standard)
        #expect(try LabUIListen.parse("[::1]:9000", allowRemote: false).listen == LabUIListen(host: "::1", port: 9000))
        #expect(try LabUIListen.parse("localhost:0", allowRemote: false).warning == nil)
        #expect(throws: LabUIError.self) { try LabUIListen.parse("0.0.0.0:8790", allowRemote: false) }
        #expect(throws: LabUIError.self) { try LabUIListen.parse("192.168.1.2:8790", allowRemote: false) }
        let remote = try LabUIListen.parse("0.0.0.0:8790", allowRemote: true)
        #expect(remote.warning?.contains("inject faults") == true)
        for bad in ["8790", "host:", ":80", "a:99999", "[::1]", "a b:80"] {
            #expect(throws: LabUIError.self, "\(bad)") { try LabUIListen.parse(bad, allowRemote: true) }
        }
    }

    static func message(_ id: String, to: String = "bob@bob.example", hops: [String] = ["colo1", "up1", "colo2"]) -> AdminMailboxMessage {
        AdminMailboxMessage(messageId: id, from: "a@alice.example", to: to, subject: "s", receivedAt: "2026-01-01T00:00:00Z", hops: hops)
    }

    static func queued(_ id: String, to: String = "bob@bob.example") -> AdminQueueEntry {
        AdminQueueEntry(id: "q", messageId: id, from: "a@alice.example", to: [to], nextHop: "up1", attempts: 1, nextAttemptAt: nil, lastError: "timeout")
    }

    @Test func tracksDeliveredDuplicatedQueuedAndLostMail() {
        var tracker = MailTracker(limit: 10, lostAfter: 5)
        let t0 = Date(timeIntervalSince1970: 1000)
        tracker.observe(mailboxes: ["colo2": [Self.message("<a@x>"), Self.message("<b@x>"), Self.message("<b@x>")]],
                        queues: ["colo1": [Self.queued("<c@x>")], "up1": [Self.queued("<d@x>")]], now: t0)
        var status = Dictionary(uniqueKeysWithValues: tracker.messages(now: t0).map { ($0.messageId, $0.status) })
        #expect(status == ["<a@x>": .delivered, "<b@x>": .duplicated, "<c@x>": .queued, "<d@x>": .queued])
        // c leaves every queue and never arrives; d arrives.
        tracker.observe(mailboxes: ["colo2": [Self.message("<a@x>"), Self.message("<b@x>"), Self.message("<b@x>"), Self.message("<d@x>")]], queues: [:], now: t0 + 1)
        status = Dictionary(uniqueKeysWithValues: tracker.messages(now: t0 + 1).map { ($0.messageId, $0.status) })
        #expect(status["<c@x>"] == .queued && status["<d@x>"] == .delivered)
        tracker.observe(mailboxes: [:], queues: [:], now: t0 + 10)
        let messages = tracker.messages(now: t0 + 10)
        status = Dictionary(uniqueKeysWithValues: messages.map { ($0.messageId, $0.status) })
        #expect(status["<c@x>"] == .lost)
        #expect(messages.first { $0.messageId == "<c@x>" }?.hops == ["colo1"])
        #expect(messages.first { $0.messageId == "<d@x>" }?.hops == ["colo1", "up1", "colo2"])
        #expect(messages.first { $0.messageId == "<b@x>" }?.copies == 2)
    }

    @Test func keepsTheLatestMessagesOnly() {
        var tracker = MailTracker(limit: 3, lostAfter: 5)
        for i in 0..<10 {
            tracker.observe(mailboxes: ["colo2": [Self.message("<m\(i)@x>")]], queues: [:], now: Date(timeIntervalSince1970: Double(1000 + i)))
        }
        #expect(tracker.messages(now: Date(timeIntervalSince1970: 2000)).map(\.messageId) == ["<m7@x>", "<m8@x>", "<m9@x>"])
    }

    @Test func deltasCarryOnlyChangesAndRebuildTheSnapshot() throws {
        let (lab, _, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let a = LabUISnapshot(nodes: ["colo1": LabUINode(process: "running", sessions: ["up1": "established"]), "up1": LabUINode(process: "running")],
                              faults: [], messages: [LabUIMessage(key: "k1", messageId: "<1>", to: "b@b", hops: ["colo1"], copies: 0, status: .queued, seenAt: "t")])
        #expect(a.delta(from: a, sequence: 1) == nil)
        var b = a
        b.nodes["colo1"]?.sessions["up1"] = "idle"
        b.faults = [LabUIFault(.cut(a: "colo1", b: "up1", from: nil), plan: lab.plan)]
        b.messages = [LabUIMessage(key: "k2", messageId: "<2>", to: "b@b", hops: ["colo1", "up1", "colo2"], copies: 1, status: .delivered, seenAt: "t")]
        let delta = try #require(b.delta(from: a, sequence: 2))
        #expect(Array(delta.nodes.keys) == ["colo1"])
        #expect(delta.faults?.first?.links == [["colo1", "up1"]])
        #expect(delta.removedMessages == ["k1"] && delta.messages.map(\.key) == ["k2"])
        #expect(a.applying(delta) == b)
        // The delta as JSON decodes to itself.
        #expect(try JSONDecoder().decode(LabUIDelta.self, from: LabUIJSON.encode(delta)) == delta)
    }

    @Test func faultViewsNameWhatTheyBreak() throws {
        let (lab, _, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let partition = LabUIFault(.partition(nodes: ["colo1"]), plan: lab.plan)
        #expect(partition.kind == "partition" && partition.links == [["colo1", "up1"], ["colo1", "up2"]])
        let kill = LabUIFault(.kill(node: "up2"), plan: lab.plan)
        #expect(kill.nodes == ["up2"] && kill.links.isEmpty && kill.text == "kill up2")
    }

    @Test func eventsAreOneLineOfData() throws {
        var delta = LabUIDelta(sequence: 7)
        delta.nodes["colo1"] = LabUINode(process: "paused")
        let text = try LabUIJSON.event(.delta(delta))
        #expect(text.hasPrefix("id: 7\nevent: delta\ndata: {"))
        #expect(text.hasSuffix("}\n\n") && text.split(separator: "\n").count == 3)
    }
}

/// The hub: a page gets the snapshot, then deltas; faults are the fault watcher's alone, so a
/// poll that read `lab.json` before a fault never takes the fault back off the page.
struct LabUIHubTests {
    @Test func pagesGetTheSnapshotThenDeltasAndPollsKeepTheFaults() async throws {
        let (lab, _, folder) = try LabUITestSupport.lab()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hub = LabUIHub()
        await hub.publish(LabUISnapshot(nodes: ["colo1": LabUINode(process: "running")]))
        let (id, events) = await hub.subscribe()
        let cut = LabUIFault(.cut(a: "colo1", b: "up1", from: nil), plan: lab.plan)
        await hub.publishFaults([cut])
        // A poll without faults (its snapshot has none) leaves the cut in place.
        await hub.publish(LabUISnapshot(nodes: ["colo1": LabUINode(process: "paused")]))
        await hub.publish(LabUISnapshot(nodes: ["colo1": LabUINode(process: "paused")]))  // no change: no event
        await hub.unsubscribe(id)
        var received: [LabUIHub.Event] = []
        for await event in events { received.append(event) }
        #expect(received.count == 3)
        guard case .snapshot(let first, let sequence) = received[0], case .delta(let faults) = received[1], case .delta(let poll) = received[2] else {
            Issue.record("expected a snapshot and two deltas: \(received)")
            return
        }
        #expect(first.nodes["colo1"]?.process == "running" && sequence == 1)
        #expect(faults.faults == [cut] && faults.nodes.isEmpty)
        #expect(poll.faults == nil && poll.nodes["colo1"]?.process == "paused")
        #expect(await hub.snapshot.faults == [cut])
    }
}
