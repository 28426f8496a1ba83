import ArgumentParser
import MXGPAdminAPI
import MXGPLab

/// `mxgp lab ctl LAB NODE peers|routes [DOMAIN]|nexthops|queue|mailbox ADDRESS|ledger|complain MESSAGE-ID [--json]`.
struct LabCtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Ask a lab node about its peers, routes, next hops, queue, mailboxes or ledger (mxgp ctl inside the node).",
        discussion: "Examples: mxgp lab ctl quickstart colo1 routes --json; mxgp lab ctl quickstart colo1 nexthops")

    @Argument(help: "The lab name.") var lab: String
    @Argument(help: "The node.") var node: String
    @Argument(parsing: .captureForPassthrough, help: "What mxgp ctl takes: peers, routes [DOMAIN], nexthops, queue, mailbox ADDRESS, ledger, complain MESSAGE-ID, [--json].")
    var request: [String] = []
    @OptionGroup var options: LabOptions

    func run() async throws {
        var status: Int32 = 0
        try await labReporting {
            let (options, request) = try options.merging(passedThrough: request)
            guard let subcommand = request.first, ["peers", "routes", "nexthops", "queue", "mailbox", "ledger", "complain"].contains(subcommand) else {
                throw CLIError("say what to ask: peers, routes [DOMAIN], nexthops, queue, mailbox ADDRESS, ledger or complain MESSAGE-ID, e.g. mxgp lab ctl \(lab) \(node) routes")
            }
            let lab = try options.controller().open(self.lab)
            _ = try lab.node(node)
            if lab.plan.runsPostfix(node) {  // no admin API: mailboxes and queue come from the instance's folder
                try await postfix(lab, request)
                return
            }
            let argv = [lab.backend.nodeBinary(lab.state), "ctl", subcommand, "--socket", lab.plan.layout.adminSocket(node)] + request.dropFirst()
            let result = await lab.backend.exec(lab.plan, node: node, argv, timeout: .seconds(30))
            status = relayOutput(result)
        }
        try exitWithNodeStatus(status)
    }

    /// `mailbox ADDRESS` and `queue` of a Postfix node (`mta: postfix`); anything else is an error
    /// saying the node has no MXGP admin API.
    func postfix(_ lab: Lab, _ request: [String]) async throws {
        let json = request.contains("--json")
        let words = request.filter { $0 != "--json" }
        switch words.first {
        case "mailbox" where words.count == 2:
            let messages = try await lab.mailbox(node, words[1])
            if json {
                print(try JSONOutput.render(AdminMailbox(address: words[1], available: true, reason: nil, messages: messages)))
            } else {
                for message in messages { print("\(message.receivedAt)  \(message.messageId)  \(message.subject)  \(message.hops.joined(separator: ">"))") }
                print("\(messages.count) message\(messages.count == 1 ? "" : "s") for \(words[1]) at \(node) (Postfix)")
            }
        case "queue":
            let depth = try await lab.queueDepth(node)
            print(json ? "{\"queued\": \(depth)}" : "\(depth) message\(depth == 1 ? "" : "s") in \(node)'s Postfix queue (postqueue -c \(lab.plan.layout.storePath(node))/etc -p lists them)")
        default:
            _ = try await lab.liveRoutes(node)  // throws: the node runs Postfix and has no admin API
        }
    }
}
