import ArgumentParser
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
            let argv = [lab.backend.nodeBinary(lab.state), "ctl", subcommand, "--socket", lab.plan.layout.adminSocket(node)] + request.dropFirst()
            let result = await lab.backend.exec(lab.plan, node: node, argv, timeout: .seconds(30))
            status = relayOutput(result)
        }
        try exitWithNodeStatus(status)
    }
}
