import ArgumentParser
import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// `mxgp lab down LAB | --all [--yes]`.
struct LabDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop a lab's nodes and remove its namespaces, links, rules and folder.",
        discussion: """
            Works from what the kernel shows, so it also cleans up after Ctrl-C or a crash of the \
            orchestrator. --all removes every lab of the lab folder and every mxgp- leftover \
            (namespaces, veths), which includes other lab folders' netns labs: it names what it \
            will remove and asks first; --yes skips the question (for scripts). Without --yes and \
            without a terminal to ask on, --all refuses.
            """)

    @Argument(help: "The lab name (the topology's name:, or lab up --name).") var lab: String?
    @Flag(help: "Remove every lab and every mxgp- leftover (asks first).") var all = false
    @Flag(name: [.customShort("y"), .long], help: "With --all: do not ask (for scripts).") var yes = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        if lab == nil, !all { throw ValidationError("name a lab, or use --all") }
        if lab != nil, all { throw ValidationError("name a lab or use --all, not both") }
    }

    func run() async throws {
        try await labReporting {
            let controller = options.controller()
            if all {
                let plan = await controller.planDownAll()
                if plan.isEmpty {
                    print("nothing to remove")
                    return
                }
                print("lab down --all will remove:")
                for line in plan.lines { print("  " + line) }
                switch DownAllConfirmation.decide(yes: yes, interactive: isatty(0) == 1) {
                case .proceed: break
                case .refuse(let message): throw CLIError(message)
                case .ask:
                    print("Remove all of this? [y/N] ", terminator: "")
                    fflush(nil)
                    guard DownAllConfirmation.accepts(readLine()) else {
                        print("nothing removed")
                        throw ExitCode(1)
                    }
                }
                let removed = try await controller.downAll()
                print(removed.isEmpty ? "nothing to remove" : "removed: " + removed.joined(separator: ", "))
            } else if let lab {
                try await controller.down(lab)
                print("lab \(lab) is down")
            }
        }
    }
}
