import ArgumentParser
import MXGPLab

/// `mxgp lab send LAB --from NODE --to ADDRESS [--count N] [--size BYTES] [--json]`.
struct LabSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send mail from a lab node's relay (as one of its local clients).",
        discussion: """
            Runs `mxgp send --server 127.0.0.1:25` inside NODE, so the mail enters the lab at that \
            node's relay. The sender address defaults to lab@<NODE's first domain>.
            """)

    @Argument(help: "The lab name.") var lab: String
    @Option(help: "The node whose relay takes the mail.") var from: String
    @Option(help: "Recipient address, e.g. bob@bob.example.") var to: String
    @Option(help: "Envelope sender (default lab@<first domain of --from>).") var sender: String?
    @Option(help: "Messages to send.") var count = 1
    @Option(help: "Approximate body size in bytes.") var size = 256
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var options: LabOptions

    func run() async throws {
        var status: Int32 = 0
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let result = try await lab.send(from: from, to: to, sender: sender, count: count, size: size, json: json)
            status = relayOutput(result)
        }
        try exitWithNodeStatus(status)
    }
}
