import ArgumentParser
import MXGPLab

/// `mxgp lab down LAB | --all`.
struct LabDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop a lab's nodes and remove its namespaces, links, rules and folder.",
        discussion: """
            Works from what the kernel shows, so it also cleans up after Ctrl-C or a crash of the
            orchestrator. --all removes every lab and every mxgp- leftover (namespaces, veths).
            """)

    @Argument(help: "The lab name (the topology's name:).") var lab: String?
    @Flag(help: "Remove every lab and every mxgp- leftover.") var all = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        if lab == nil, !all { throw ValidationError("name a lab, or use --all") }
        if lab != nil, all { throw ValidationError("name a lab or use --all, not both") }
    }

    func run() async throws {
        try await labReporting {
            let controller = options.controller()
            if all {
                let removed = try await controller.downAll()
                print(removed.isEmpty ? "nothing to remove" : "removed: " + removed.joined(separator: ", "))
            } else if let lab {
                try await controller.down(lab)
                print("lab \(lab) is down")
            }
        }
    }
}
