import ArgumentParser
import MXGPAdminAPI
import MXGPNode

/// `mxgp ctl complain MESSAGE-ID [--reason TEXT]`: file a spam complaint (DESIGN §4).
struct CtlComplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complain",
        abstract: "File a spam complaint about a message in one of this node's mailboxes.",
        discussion: """
            Run it at the node that delivered the message. The node books the chargeback of its \
            contract against the neighbour that handed the message over and sends a REPORT back \
            along the message's recorded path; every hop does the same, up to the first relay. \
            See the result in `mxgp ctl ledger` (chargebacks, complaints) at every hop. --json \
            prints {"messageId", "path", "bookedAgainst", "amount", "forwardedTo", "stopped"}.
            """)

    @Argument(help: "The Message-ID, with or without angle brackets (see mxgp ctl mailbox ADDRESS).")
    var messageID: String

    @Option(help: "Why (free text, at most 1024 bytes).") var reason = "spam"

    @OptionGroup var options: CtlOptions

    func validate() throws {
        guard !messageID.isEmpty, messageID.utf8.count <= 1000 else { throw ValidationError("a Message-ID has 1 to 998 bytes") }
    }

    func run() async throws {
        let path = AdminPath.complaint(messageId: messageID, reason: reason)
        try await CtlRequest.reporting {
            let body = try await CtlRequest.get(path, options: options, method: "POST").body
            guard !options.json else {
                print(body, terminator: "")
                return
            }
            let outcome = try AdminJSON.decode(ComplaintDesk.Outcome.self, from: body)
            var line = "complaint about <\(outcome.messageId)> filed (path \(outcome.path.map(String.init).joined(separator: " ")))"
            if let against = outcome.bookedAgainst { line += ": chargeback \(outcome.amount) booked against \(against)" }
            if let next = outcome.forwardedTo { line += ", REPORT sent to \(next)" }
            if let stopped = outcome.stopped { line += "; stopped: \(stopped)" }
            print(line)
        }
    }
}
