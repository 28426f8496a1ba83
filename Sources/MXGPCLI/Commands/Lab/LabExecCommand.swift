import ArgumentParser
import MXGPLab

/// `mxgp lab exec LAB NODE -- COMMAND...`.
struct LabExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command inside a lab node's namespace (or container).",
        discussion: "Example: mxgp lab exec quickstart colo1 -- ip route")

    @Argument(help: "The lab name.") var lab: String
    @Argument(help: "The node.") var node: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []
    @Option(help: "Seconds before the command is stopped.") var timeout = 600
    @OptionGroup var options: LabOptions

    func run() async throws {
        var status: Int32 = 0
        try await labReporting {
            let (options, words) = try options.merging(passedThrough: command, stopAt: "--")
            let argv = words.first == "--" ? Array(words.dropFirst()) : words
            guard !argv.isEmpty else { throw CLIError("name a command after --, e.g. mxgp lab exec \(lab) \(node) -- ip addr") }
            let lab = try options.controller().open(self.lab)
            _ = try lab.node(node)
            let result = await lab.backend.exec(lab.plan, node: node, argv, timeout: .seconds(Int64(timeout)))
            status = relayOutput(result)
        }
        try exitWithNodeStatus(status)
    }
}
