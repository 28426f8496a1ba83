import ArgumentParser
import Foundation
import MXGPLab
import MXGPLabUI

/// `mxgp lab ui LAB [--listen 127.0.0.1:8790] [--allow-remote] [--interval MS]`.
struct LabUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Serve a live page of a running lab: topology, sessions, routes, mail paths, faults.",
        discussion: """
            Opens http://127.0.0.1:8790/ (by default) with the lab's topology laid out by \
            Graphviz (graphviz must be installed), nodes coloured by role and links by \
            relationship with their prices. Sessions, node processes, queues, active faults and \
            recent mail (drawn along the hops it took; lost and duplicated messages flagged) \
            update live through server-sent events. Click a node for its routes with ranked \
            alternates and reasons, its next hops' health, queue and ledger; click a link to cut \
            or heal it. Faults from the page go through the same code as `mxgp lab fault` and \
            show in `mxgp lab status`. Everything is served from this binary: the page works \
            offline.

            The page can inject faults, so it listens on loopback unless --allow-remote is \
            given, and it answers only requests that name its own address (no other site's \
            page, no other host name). Ctrl-C stops it (the lab stays up).
            """)

    @Argument(help: "The lab name.") var lab: String
    @Option(help: ArgumentHelp("Where the page listens.", valueName: "HOST:PORT")) var listen = "127.0.0.1:8790"
    @Flag(help: "Allow a --listen address beyond loopback (anyone who reaches it can inject faults).") var allowRemote = false
    @Option(help: ArgumentHelp("Milliseconds between polls of the nodes (default 300, or 10 per node when more; 1500 on container labs, whose nodes are asked through docker exec).", valueName: "MS"))
    var interval: Int?
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard (50...10_000).contains(interval ?? 300) else { throw ValidationError("--interval must be from 50 to 10000 milliseconds") }
        do { _ = try LabUIListen.parse(listen, allowRemote: allowRemote) } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            try await Self.serve(lab, listen: listen, allowRemote: allowRemote, interval: interval)
        }
    }

    /// Serves `lab`'s page (also `mxgp lab up --ui`).
    static func serve(_ lab: Lab, listen text: String, allowRemote: Bool, interval: Int?) async throws {
        // Container labs' admin requests go through docker exec; big labs cost more per poll.
        let interval = interval ?? (lab.state.backend.usesContainers ? 1500 : max(300, 10 * lab.plan.nodes.count))
        let listen: LabUIListen
        do {
            let parsed = try LabUIListen.parse(text, allowRemote: allowRemote)
            listen = parsed.listen
            if let warning = parsed.warning { printError(warning) }
        } catch {
            throw CLIError(error.description)
        }
        try await LabUIServer.serve(lab: lab, listen: listen, allowRemote: allowRemote, interval: .milliseconds(interval)) { url in
            // Written at once (not buffered): scripts wait for this line to learn the address.
            FileHandle.standardOutput.write(Data("lab \(lab.name): the live page is at \(url) (Ctrl-C stops it; the lab stays up)\n".utf8))
        }
    }
}
