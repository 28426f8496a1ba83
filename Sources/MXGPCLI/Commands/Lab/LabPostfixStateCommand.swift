import ArgumentParser
import MXGPLab

/// `mxgp lab postfix-state DIR [--address ADDRESS]`: what a container lab runs inside a Postfix
/// node to read its instance folder (hidden: the lab commands call it).
struct LabPostfixStateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postfix-state",
        abstract: "Print a Postfix lab node's mailbox and queue size as JSON, from its instance folder.",
        discussion: "Run inside a node with mta: postfix by `mxgp lab ctl`, `verify` and the scenarios on the compose and swarm backends.",
        shouldDisplay: false)

    @Argument(help: ArgumentHelp("The node's Postfix instance folder (etc/, queue/, mail/).", valueName: "DIR")) var directory: String
    @Option(help: "The address whose delivered messages to print.") var address: String?

    func run() throws {
        print(try JSONOutput.render(PostfixState.read(directory: directory, address: address)))
    }
}
