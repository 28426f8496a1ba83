import Foundation
import MXGPAdminAPI
import MXGPCore
import MXGPSMTP
import NIOPosix
import Testing
@testable import MXGPNode

#if canImport(Glibc)
import Glibc
#endif

/// Custody across a crash: the relay in the middle is SIGKILLed while mail flows through
/// it, then restarted; every message that got a 250 arrives exactly once.
@Suite(.serialized) struct CrashSafetyTests {
    static let total = 1000

    @Test func aRelayKilledMidStreamLosesNothingAndDuplicatesNothing() async throws {
        let lab = try await NodeProcessLab(NodeProcessTests.star())
        defer { lab.shutdown() }
        try lab.startAll()
        try #require(await lab.waitUntil { await NodeProcessTests.starConverged(lab) }, "no convergence:\n\(lab.logs())")
        let port = lab.smtpPorts["colo1"]!
        var accepted: Set<String> = []
        var killedAt: Int?
        for i in 0..<Self.total {
            let id = "crash-\(i)@one.example"
            let body = "From: a@one.example\r\nTo: bob@two.example\r\nSubject: crash \(i)\r\nMessage-ID: <\(id)>\r\n\r\nmessage \(i)\r\n"
            let outcome = await SMTPDelivery.deliver(
                host: "127.0.0.1", port: port, configuration: SMTPClientConfiguration(heloName: SMTPHost("crash.test")!, tls: .never),
                reversePath: .mailbox(SMTPMailbox("a@one.example")!), recipients: [.mailbox(SMTPMailbox("bob@two.example")!)],
                message: Array(body.utf8), group: MultiThreadedEventLoopGroup.singleton)
            if case .delivered = outcome.data {
                accepted.insert("<\(id)>")
            } else if let code = outcome.recipients.first?.rcptReply?.code, code >= 500 {
                Issue.record("message \(i) refused permanently (\(code)); while up is down colo1 must answer 4xx")
            }
            if i == 300 {
                lab.signal("up", SIGKILL)  // mail is in flight through up right now
                killedAt = i
            }
            if i == 400 { try lab.start("up") }  // same config, same store: recover and go on
        }
        #expect(killedAt == 300)
        // While up is down colo1 has no route to two.example and answers 451 (try later).
        #expect(accepted.count > Self.total / 2)
        var received: [String] = []
        let complete = await lab.waitUntil(timeout: .seconds(60)) {
            guard let response = try? await lab.admin("colo2").request("GET", "/v1/mailbox/bob@two.example"), response.status == 200,
                  let mailbox = try? AdminJSON.decode(AdminMailbox.self, from: response.body)
            else { return false }
            received = mailbox.messages.map(\.messageId)
            return received.count >= accepted.count
        }
        #expect(complete, "only \(received.count) of \(accepted.count) arrived:\n\(lab.logs())")
        #expect(received.count == Set(received).count, "duplicates: \(received.count - Set(received).count)")
        #expect(Set(received) == accepted)
    }
}
