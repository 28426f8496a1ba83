import Foundation
import MXGPCore
import MXGPSMTP
import MXGPTopology
import NIOPosix
import Testing
@testable import MXGPNode

/// A real MTA on both sides of the mxgp mail plane: Postfix relays into a colo through
/// `relayhost`, and a colo hands its own domain to Postfix through `deliver-to`.
@Suite(.serialized, .enabled(if: PrivatePostfix.installed, "Postfix is not installed (/usr/sbin/postfix): run Scripts/bootstrap, it installs it"))
struct PostfixInteropTests {
    /// Starts `lab` and `postfix`, runs `body`, and stops both afterwards, also when something throws.
    static func running(_ lab: MailLab, _ postfix: PrivatePostfix, _ body: (MailLab, PrivatePostfix) async throws -> Void) async throws {
        do {
            try await lab.start()
            try await postfix.start()
            try await body(lab, postfix)
        } catch {
            await postfix.stop()
            await lab.stop()
            throw error
        }
        await postfix.stop()
        await lab.stop()
    }

    /// Postfix with `relayhost = [a]:port`: mail submitted to Postfix reaches a's own
    /// mailbox, and crosses a → up → b to b's.
    @Test func postfixRelaysIntoAColo() async throws {
        let lab = try await MailLab(try Topology.parse(yaml: MailPlaneTests.chain).topology, localClients: ["a"])
        let a = lab.nodes["a"]!
        let postfix: PrivatePostfix
        do {
            postfix = try await PrivatePostfix(relayhost: HostPort(host: a.host, port: UInt16(a.smtpPort)))
        } catch {
            await lab.stop()
            throw error
        }
        try await Self.running(lab, postfix, Self.relayIntoColo)
    }

    static func relayIntoColo(_ lab: MailLab, _ postfix: PrivatePostfix) async throws {
        let a = lab.nodes["a"]!
        #expect(await LoopbackNodes.poll { await a.peering.lookup(DomainName("b.example")!)?.nextHop == "up" })
        let body = "From: carol@postfix.test\r\nTo: alice@a.example, bob@b.example\r\nSubject: via postfix\r\n"
            + "Message-ID: <pf1@postfix.test>\r\n\r\nhello through a real MTA\r\n"
        let outcome = await SMTPDelivery.deliver(
            host: postfix.host, port: postfix.port,
            configuration: SMTPClientConfiguration(heloName: SMTPHost("client.test")!, tls: .never),
            reversePath: .mailbox(SMTPMailbox("carol@postfix.test")!),
            recipients: ["alice@a.example", "bob@b.example"].map { .mailbox(SMTPMailbox($0)!) },
            message: Array(body.utf8), group: MultiThreadedEventLoopGroup.singleton, sourceHost: "127.0.0.1")
        guard case .delivered = outcome.data else {
            Issue.record("Postfix refused the submission: \(outcome)\n\(postfix.log)")
            return
        }
        let arrived = await LoopbackNodes.poll(timeout: .seconds(20)) {
            let bob = (try? await lab.nodes["b"]!.store.mailbox(address: "bob@b.example")) ?? []
            let alice = (try? await a.store.mailbox(address: "alice@a.example")) ?? []
            return bob.count == 1 && alice.count == 1
        }
        #expect(arrived, "Postfix log:\n\(postfix.log)")
        let bob = try #require(try await lab.nodes["b"]!.store.mailbox(address: "bob@b.example").first)
        #expect(bob.hops == ["a", "up", "b"])
        #expect(bob.subject == "via postfix")
        let text = String(decoding: try #require(try await lab.nodes["b"]!.store.mailboxData(id: bob.id)), as: UTF8.self)
        #expect(text.contains("by postfix.test (Postfix)"), "Received lines:\n\(text.prefix(1200))")
        let alice = try #require(try await a.store.mailbox(address: "alice@a.example").first)
        #expect(alice.hops == ["a"])
        // Postfix got a's 250 for both recipients: nothing left in its queue.
        #expect(await LoopbackNodes.poll { postfix.queued == 0 }, "Postfix log:\n\(postfix.log)")
        #expect(await LoopbackNodes.poll { ((try? await a.store.queueDepth()) ?? 1) == 0 })
    }

    /// A colo with `deliver-to` hands its own domain's mail to Postfix, which delivers it
    /// to a mailbox file; the message carries every mxgp hop's Received line.
    @Test func aColoHandsItsDomainToPostfix() async throws {
        let postfix = try await PrivatePostfix(mailboxDomains: ["b.example"])
        let lab: MailLab
        do {
            lab = try await MailLab(
                try Topology.parse(yaml: MailPlaneTests.chain).topology, localClients: ["a"],
                deliverTo: ["b": HostPort(host: postfix.host, port: UInt16(postfix.port))])
        } catch {
            await postfix.stop()
            throw error
        }
        try await Self.running(lab, postfix, Self.deliverToPostfix)
    }

    static func deliverToPostfix(_ lab: MailLab, _ postfix: PrivatePostfix) async throws {
        #expect(await LoopbackNodes.poll { await lab.nodes["a"]!.peering.lookup(DomainName("b.example")!)?.nextHop == "up" })
        let outcome = await lab.send(to: "a", from: "alice@a.example", rcpt: ["bob@b.example"], subject: "to postfix", messageID: "pf2@a.example")
        guard case .delivered = outcome.data else {
            Issue.record("submission failed: \(outcome)")
            return
        }
        let delivered = await LoopbackNodes.poll(timeout: .seconds(20)) { postfix.inbox.contains("Subject: to postfix") }
        #expect(delivered, "Postfix log:\n\(postfix.log)")
        let inbox = postfix.inbox
        #expect(inbox.hasPrefix("From alice@a.example "), "\(inbox.prefix(600))")
        #expect(inbox.contains("Delivered-To: bob@b.example"))
        #expect(inbox.contains("(mxgp operator 64502)"), "\(inbox.prefix(1200))")
        #expect(MessageHeaders.hops(in: Array(inbox.utf8)).map(\.node) == ["a", "up", "b"], "\(inbox.prefix(1200))")
        // postlogd writes the log line a moment after the mailbox: wait for it.
        #expect(await LoopbackNodes.poll { postfix.log.contains("status=sent (delivered to mailbox)") }, "Postfix log:\n\(postfix.log)")
        #expect(try await lab.nodes["b"]!.store.mailbox(address: "bob@b.example").isEmpty)
        // b's queue empties once Postfix's 250 came back.
        #expect(await LoopbackNodes.poll { ((try? await lab.nodes["b"]!.store.queueDepth()) ?? 1) == 0 })
    }
}
