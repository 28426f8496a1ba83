import ArgumentParser
import MXGPLab
import MXGPProcess

/// `mxgp lab logs LAB NODE [--follow] [--lines N]`.
struct LabLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a lab node's log; --follow keeps printing new lines until Ctrl-C.",
        discussion: """
            netns labs keep each node's log in <lab folder>/logs/<node>.log; container labs' nodes \
            log to docker (docker logs). A Postfix node's (mta: postfix) log is its instance's \
            maillog. Example: mxgp lab logs quickstart up1 --follow --lines 20
            """)

    @Argument(help: "The lab name.") var lab: String
    @Argument(help: "The node.") var node: String
    @Flag(name: [.customShort("f"), .long], help: "Keep printing what the node logs until Ctrl-C.") var follow = false
    @Option(name: [.customShort("n"), .long], help: "Start from the last N lines (default: the whole log).") var lines: Int?
    @OptionGroup var options: LabOptions

    func validate() throws {
        if let lines, lines < 0 { throw ValidationError("--lines must be 0 or more") }
    }

    func run() async throws {
        var status: Int32 = 0
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            _ = try lab.node(node)
            var container: String?
            if let containers = lab.backend as? any ContainerLabBackend {
                container = await containers.container(lab.plan, node: node)
                guard container != nil else { throw CLIError("node \(node) of lab \(lab.name) has no container; see mxgp lab status \(lab.name)") }
            }
            status = await Spawner.runAttached(LabShell.logCommand(lab, node: node, container: container, follow: follow, lines: lines))
        }
        try exitWithNodeStatus(status)
    }
}
