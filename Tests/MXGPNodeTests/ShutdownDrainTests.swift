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

/// Graceful shutdown with mail in flight: colo1 has accepted a message and is delivering it
/// to a next hop that does not answer (paused) when SIGTERM arrives. colo1 must stop within
/// its bounded drain, and the message must be neither lost nor duplicated: still queued when
/// colo1 comes back, then delivered exactly once.
@Suite(.serialized) struct ShutdownDrainTests {
    @Test func aMessageInFlightAtSIGTERMIsDeliveredOnceAfterRestart() async throws {
        let lab = try await NodeProcessLab(NodeProcessTests.star())
        defer { lab.shutdown() }
        try lab.startAll()
        try #require(await lab.waitUntil { await NodeProcessTests.starConverged(lab) }, "no convergence:\n\(lab.logs())")

        // up stops answering: colo1's delivery connects (the kernel accepts) and waits for a greeting.
        lab.signal("up", SIGSTOP)
        let id = "drain-1@one.example"
        let body = "From: a@one.example\r\nTo: bob@two.example\r\nSubject: in flight\r\nMessage-ID: <\(id)>\r\n\r\nin flight at SIGTERM\r\n"
        let outcome = await SMTPDelivery.deliver(
            host: "127.0.0.1", port: lab.smtpPorts["colo1"]!, configuration: SMTPClientConfiguration(heloName: SMTPHost("drain.test")!, tls: .never),
            reversePath: .mailbox(SMTPMailbox("a@one.example")!), recipients: [.mailbox(SMTPMailbox("bob@two.example")!)],
            message: Array(body.utf8), group: MultiThreadedEventLoopGroup.singleton)
        guard case .delivered = outcome.data else {
            lab.signal("up", SIGCONT)
            Issue.record("colo1 did not take the message: \(outcome)")
            return
        }
        try await Task.sleep(for: .milliseconds(300))

        let colo1 = try #require(lab.process("colo1"))
        let stopping = ContinuousClock.now
        colo1.send(SIGTERM)
        let exited = await colo1.waitForExit(timeout: .seconds(20))
        let took = ContinuousClock.now - stopping
        lab.signal("up", SIGCONT)
        #expect(exited, "colo1 did not stop within 20 s of SIGTERM:\n\(lab.logs())")
        #expect(colo1.exitStatus == 0, "colo1 did not exit cleanly:\n\(lab.logs())")
        #expect(took < .seconds(15), "the drain is bounded; colo1 took \(took)")

        // Same config, same store: the message is still there and goes out now.
        try lab.start("colo1")
        var received: [String] = []
        let arrived = await lab.waitUntil(timeout: .seconds(15)) {
            guard let response = try? await lab.admin("colo2").request("GET", AdminPath.mailbox("bob@two.example")), response.status == 200,
                  let mailbox = try? AdminJSON.decode(AdminMailbox.self, from: response.body)
            else { return false }
            received = mailbox.messages.map(\.messageId)
            return !received.isEmpty
        }
        #expect(arrived, "the message in flight at SIGTERM never arrived:\n\(lab.logs())")
        // A little longer: a second copy would show up now.
        try await Task.sleep(for: .seconds(1))
        if let response = try? await lab.admin("colo2").request("GET", AdminPath.mailbox("bob@two.example")),
           let mailbox = try? AdminJSON.decode(AdminMailbox.self, from: response.body) {
            received = mailbox.messages.map(\.messageId)
        }
        #expect(received == ["<\(id)>"], "expected exactly one copy, got \(received)")
    }
}
