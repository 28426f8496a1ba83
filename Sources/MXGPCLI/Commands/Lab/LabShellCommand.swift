import ArgumentParser
import MXGPLab
import MXGPProcess

#if canImport(Glibc)
import Glibc
#endif

/// `mxgp lab shell LAB NODE [-c COMMAND]`.
struct LabShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Open an interactive shell inside a lab node, with mxgp on the PATH and mxgp ctl asking that node.",
        discussion: """
            netns labs: bash in the node's namespace (ip netns exec), reading your ~/.bashrc and then \
            the lab's startup file (<lab folder>/shell/<node>.bashrc), which puts mxgp on the PATH and \
            sets MXGP_SOCKET to the node's admin socket, so `mxgp ctl routes` there asks this node. \
            Container labs: a shell in the node's container (docker exec) with the same variables. \
            The prompt names lab and node; exit or Ctrl-D leaves. Example: mxgp lab shell quickstart colo1
            """)

    @Argument(help: "The lab name.") var lab: String
    @Argument(help: "The node.") var node: String
    @Option(name: .customShort("c"), help: ArgumentHelp("Run this command in the node's shell and return (for scripts).", valueName: "COMMAND"))
    var command: String?
    @OptionGroup var options: LabOptions

    func run() async throws {
        var status: Int32 = 0
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let planned = try lab.node(node)
            var container: String?
            if lab.state.backend == .netns {
                try LabShell.prepare(lab, node: node)
            } else if let containers = lab.backend as? any ContainerLabBackend {
                container = await containers.container(lab.plan, node: node)
                guard container != nil else { throw CLIError("node \(node) of lab \(lab.name) has no running container; see mxgp lab status \(lab.name)") }
            }
            let argv = LabShell.command(lab, node: planned, container: container, terminal: isatty(0) == 1, command: command)
            status = await Spawner.runAttached(argv)
        }
        try exitWithNodeStatus(status)
    }
}
