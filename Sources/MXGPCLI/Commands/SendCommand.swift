import ArgumentParser
import Foundation
import MXGPNode
import MXGPSMTP
import MXGPTopology
import NIOPosix

/// `mxgp send --server HOST:PORT --from A --to B [--count N] [--size BYTES] [--json]`.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Submit test mail over SMTP and report what the server answered.",
        discussion: """
            Each message is one SMTP transaction with a unique Message-ID (<mxgp-send-…@FROM-DOMAIN>) \
            so deliveries can be checked with `mxgp ctl mailbox`. Exit status 0 when every \
            message got a 250 after DATA, 1 when some did not, 2 on bad arguments.
            """
    )

    @Option(help: "SMTP server, HOST:PORT (port 25 when omitted).") var server: String
    @Option(help: "Envelope sender and From: address.") var from: String
    @Option(parsing: .upToNextOption, help: "Recipient address (repeatable, or several after one --to).") var to: [String]
    @Option(help: "Messages to send (1–100000).") var count = 1
    @Option(help: "Approximate body size in bytes.") var size = 256
    @Option(help: "Subject line.") var subject = "mxgp test message"
    @Option(help: "Messages per second (default: as fast as the server takes them).") var rate: Double?
    @Flag(help: "Print one JSON object with every message's result.") var json = false

    func validate() throws {
        guard HostPort(server, defaultPort: 25) != nil else { throw ValidationError("--server \(server.debugDescription): expected HOST:PORT, like 127.0.0.1:2525") }
        guard SMTPMailbox(from) != nil else { throw ValidationError("--from \(from.debugDescription) is not a mail address") }
        guard !to.isEmpty else { throw ValidationError("give at least one --to address") }
        for address in to where SMTPMailbox(address) == nil { throw ValidationError("--to \(address.debugDescription) is not a mail address") }
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be 1…100000") }
        guard (0...50_000_000).contains(size) else { throw ValidationError("--size must be 0…50000000") }
        if let rate, !(rate > 0 && rate <= 10_000) { throw ValidationError("--rate must be more than 0 and at most 10000 messages per second") }
    }

    struct Result: Encodable {
        var messageId: String
        var status: String
        var reply: String
        var rejectedRecipients: [String]
        /// When the relay's answer came back (ISO 8601 with milliseconds): the start of the
        /// message's delivery delay in lab reports.
        var submittedAt: String
    }

    func run() async throws {
        let endpoint = HostPort(server, defaultPort: 25)!
        let sender = SMTPMailbox(from)!
        let recipients = to.map { SMTPForwardPath.mailbox(SMTPMailbox($0)!) }
        let batch = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var results: [Result] = []
        let start = ContinuousClock.now
        for i in 0..<count {
            if let rate, i > 0 {
                // Keep the pace from the start, so a slow transaction is caught up rather than added.
                try? await Task.sleep(until: start + .milliseconds(Int64(Double(i) * 1000 / rate)), clock: .continuous)
            }
            let messageID = "mxgp-send-\(batch)-\(i)@\(sender.host)"
            let body = String(repeating: "The quick brown fox jumps over the lazy dog.\r\n", count: max(1, size / 46))
            let text = "From: \(from)\r\nTo: \(to.joined(separator: ", "))\r\nSubject: \(subject) \(i + 1)/\(count)\r\nMessage-ID: <\(messageID)>\r\n\r\n\(body)"
            let outcome = await SMTPDelivery.deliver(
                host: endpoint.host, port: Int(endpoint.port),
                configuration: SMTPClientConfiguration(heloName: SMTPHost("mxgp-send.invalid")!, tls: .never),
                reversePath: .mailbox(sender), recipients: recipients, message: Array(text.utf8),
                group: MultiThreadedEventLoopGroup.singleton)
            var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            style.timeZone = TimeZone(identifier: "UTC")!
            let submittedAt = Date().formatted(style)
            let rejected = outcome.recipients.filter { if case .delivered = $0.status { return false } else { return true } }.map { "\($0.recipient)" }
            switch outcome.data {
            case .delivered(let reply): results.append(Result(messageId: "<\(messageID)>", status: "accepted", reply: reply.description, rejectedRecipients: rejected, submittedAt: submittedAt))
            case .deferred(let why): results.append(Result(messageId: "<\(messageID)>", status: "deferred", reply: why.description, rejectedRecipients: rejected, submittedAt: submittedAt))
            case .bounced(let reply): results.append(Result(messageId: "<\(messageID)>", status: "rejected", reply: reply.description, rejectedRecipients: rejected, submittedAt: submittedAt))
            }
        }
        let accepted = results.filter { $0.status == "accepted" }.count
        if json {
            struct Report: Encodable { var accepted: Int; var total: Int; var messages: [Result] }
            print(try JSONOutput.render(Report(accepted: accepted, total: results.count, messages: results)))
        } else {
            for result in results where result.status != "accepted" || count <= 10 {
                print("\(result.messageId)  \(result.status)  \(result.reply)" + (result.rejectedRecipients.isEmpty ? "" : "  (not accepted: \(result.rejectedRecipients.joined(separator: ", ")))"))
            }
            print("\(accepted)/\(results.count) accepted by \(endpoint)")
        }
        if accepted != results.count { throw ExitCode(1) }
    }
}
